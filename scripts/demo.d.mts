/** Bundles the demo and serves the repository; resolves to { url (of the demo page), close }. */
export function startDemo(options?: { port?: number }): Promise<{ url: string; close(): Promise<void> }>;
