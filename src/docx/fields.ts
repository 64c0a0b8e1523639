/**
 * The pieces of OOXML the `docx` library has no class for: a complex field
 * (`w:fldChar` begin/separate/end around `w:instrText`), used for NOTEREF.
 */
import { BuilderElement, Run, XmlAttributeComponent, XmlComponent } from "docx";

class PreserveSpace extends XmlAttributeComponent<{ space: "preserve" }> {
  protected readonly xmlKeys = { space: "xml:space" };
}

class InstructionText extends XmlComponent {
  constructor(instruction: string) {
    super("w:instrText");
    this.root.push(new PreserveSpace({ space: "preserve" }));
    this.root.push(instruction);
  }
}

const fieldChar = (type: "begin" | "separate" | "end") =>
  new BuilderElement<{ type: string }>({ name: "w:fldChar", attributes: { type: { key: "w:fldCharType", value: type } } });

/**
 * A NOTEREF field to the bookmark on a note's first reference, styled as a footnote
 * reference: Word's own way to show one note's number again. `shown` is the cached
 * result, what a reader sees before fields are updated.
 */
export function noteRefField(bookmark: string, shown: string, style: string): Run[] {
  return [
    new Run({ style, children: [fieldChar("begin")] }),
    new Run({ style, children: [new InstructionText(` NOTEREF ${bookmark} \\f \\h `)] }),
    new Run({ style, children: [fieldChar("separate")] }),
    new Run({ style, text: shown }),
    new Run({ style, children: [fieldChar("end")] }),
  ];
}
