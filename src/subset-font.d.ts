/** The part of subset-font's API broadside uses (the package ships no types). */
declare module "subset-font" {
  export default function subsetFont(
    font: Buffer,
    text: string,
    options?: { targetFormat?: "sfnt" | "truetype" | "woff" | "woff2"; keepFeatures?: string[]; noLayoutClosure?: boolean },
  ): Promise<Buffer>;
}
