/** A press release's embargo already past (now, or SOURCE_DATE_EPOCH when set): the release may go out at once. */
import { buildDate } from "../../pdf/index.ts";
import { lintRule } from "../lint-rule.ts";

export const embargoPassed = lintRule("broadside:embargo-passed", "warning", (_, file) => {
  const now = buildDate();
  const embargo = file.data.meta!.press?.embargo;
  if (!embargo) return;
  // The wall time less its zone; without one, passed wherever on Earth it is read (the latest zone is UTC−12).
  const lifts = new Date(embargo.wall.getTime() - (embargo.offset ?? -12 * 60) * 60_000);
  if (lifts.getTime() <= now.getTime()) {
    const at = now.toISOString().slice(0, 16).replace("T", " ");
    file.message(`The embargo \`${embargo.text}\` has passed (it is now ${at} UTC): update it, or remove it if the release is out`, embargo.place);
  }
});
