/** A press release's embargo without a time zone (`Z`, `+02:00`): journalists elsewhere cannot know when it lifts. */
import { lintRule } from "../lint-rule.ts";

export const embargoNoZone = lintRule("broadside:embargo-no-zone", "warning", (_, file) => {
  const embargo = file.data.meta!.press?.embargo;
  if (embargo && embargo.offset === undefined) {
    file.message(`The embargo \`${embargo.text}\` has no time zone: add one, like \`${embargo.text}+02:00\` or \`${embargo.text}Z\``, embargo.place);
  }
});
