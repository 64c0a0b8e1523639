/**
 * What a broadside .docx promises to readers of it (the importer, the verifier): names that
 * both sides must spell alike.
 */

/** Custom properties `broadside-fm-<key>` carry the original's front matter, one JSON value each. */
export const FRONT_MATTER_PROPERTY = "broadside-fm-";

/** The bookmark on a note's first reference, which NOTEREF fields point to. */
export const bookmarkName = (n: number) => `_RefNote${n}`;

/** WordprocessingML's namespace and that of relationships, as the `docx` library and Word write them. */
export const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
export const R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
