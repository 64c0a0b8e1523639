export declare function printerEnvironment(): Record<string, string>;
