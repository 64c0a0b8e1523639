export declare const REQUEST_ENV: string[];
export declare function idleMs(env?: NodeJS.ProcessEnv): number;
export declare function browserIdleMs(env?: NodeJS.ProcessEnv): number;
export declare function serverWanted(argv: string[], env?: NodeJS.ProcessEnv): boolean;
export declare function serverDir(): string | undefined;
export declare function socketPath(dir: string, root: string, fingerprint: string, env?: NodeJS.ProcessEnv): string | undefined;
export declare function checkoutSockets(dir: string, root: string): string[];
export declare function readMessages<T = any>(socket: import("node:net").Socket, onMessage: (message: T) => void): void;
export declare function send(socket: import("node:net").Socket, message: unknown): boolean;
