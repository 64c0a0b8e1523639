/**
 * The page number in the .docx footer in the letter's words (`page`, e.g. "{page} / {pages}" or
 * "Page {page} of {pages}"): the text around and between the PAGE and NUMPAGES fields.
 */

/** The label's text before `{page}`, between it and `{pages}`, and after; undefined when it is not of that form. */
export function pageLabelParts(label: string): [string, string, string] | undefined {
  const match = /^([^{}]*)\{page\}([^{}]*)\{pages\}([^{}]*)$/s.exec(label);
  return match ? [match[1], match[2], match[3]] : undefined;
}

const xmlText = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const textRun = (text: string) => (text ? `<w:r><w:t xml:space="preserve">${xmlText(text)}</w:t></w:r>` : "");

/**
 * A template footer (templates/reference.docx: PAGE field, " / ", NUMPAGES field) with the label's
 * text put in; a footer of another form, or a label without both slots, is left as it is.
 */
export function footerWithPageLabel(xml: string | undefined, label: string): string | undefined {
  const parts = pageLabelParts(label);
  if (!xml || !parts || label === "{page} / {pages}") return xml;
  const field = (name: string) => String.raw`<w:r>(?:(?!<\/w:r>).)*?<w:fldChar w:fldCharType="begin"\/><\/w:r>(?:<w:r>(?:(?!<\/w:r>).)*?<w:instrText[^>]*>\s*${name}\b[^<]*<\/w:instrText><\/w:r>)(?:(?!NUMPAGES|PAGE).)*?<w:fldChar w:fldCharType="end"\/><\/w:r>`;
  const pattern = new RegExp(`(${field("PAGE")})<w:r>(?:(?!<\\/w:r>).)*?<w:t[^>]*> / <\\/w:t><\\/w:r>(${field("NUMPAGES")})`, "s");
  return xml.replace(pattern, (_, page: string, pages: string) => `${textRun(parts[0])}${page}${textRun(parts[1])}${pages}${textRun(parts[2])}`);
}
