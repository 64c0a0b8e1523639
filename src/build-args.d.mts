export declare function buildAsksForPdf(args: string[]): boolean;
