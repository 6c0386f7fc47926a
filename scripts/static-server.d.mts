export interface StaticServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close(): Promise<void>;
}
export function serveStatic(root: string, options?: { port?: number; headers?: Record<string, string> }): Promise<StaticServer>;
