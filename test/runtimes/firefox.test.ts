// Firefox ESR (Debian's firefox-esr, puppeteer-core over WebDriver BiDi): see browser-suite.ts.
import { browserSuite } from './browser-suite.js';

browserSuite('firefox', 20);
