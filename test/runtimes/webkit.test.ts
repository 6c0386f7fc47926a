// WebKitGTK's MiniBrowser (Debian's webkit2gtk-driver, under xvfb-run): see browser-suite.ts.
import { browserSuite } from './browser-suite.js';

browserSuite('webkit', 30);
