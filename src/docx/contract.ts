/**
 * What a broadside .docx promises to readers of it (the importer, the verifier): names that
 * both sides must spell alike.
 */

/** Custom properties `broadside-fm-<key>` carry the original's front matter, one JSON value each. */
export const FRONT_MATTER_PROPERTY = "broadside-fm-";

/** The bookmark on a note's first reference, which NOTEREF fields point to. */
export const bookmarkName = (n: number) => `_RefNote${n}`;
