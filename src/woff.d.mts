export declare function woffTables(woff: Buffer): { flavor: number; tables: Map<string, { checksum: number; data: Buffer }> };
export declare function woffToSfnt(woff: Buffer): Buffer;
