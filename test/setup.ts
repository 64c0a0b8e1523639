/** Run before every test file: the temp folders a file's tests made are removed when it has run. */
import { afterAll } from "vitest";
import { removeTempDirs } from "./helpers.ts";

afterAll(removeTempDirs);
