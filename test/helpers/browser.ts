/**
 * A real browser for the demo's end-to-end tests: Debian's Chromium driven by playwright-core.
 *
 * `describeWithBrowser` decides, while jest collects tests, whether a browser suite runs, is
 * skipped (one line says why) or fails: without Chromium the suite is skipped unless `CI` is set,
 * in which case it fails (CI must never pass by skipping the browser tests), like Redis suites.
 */
import { accessSync, constants } from "node:fs";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { buildDemo } from "../../client-demo/build";
import { isCI } from "./redis";
import { useServer, type TestServer } from "./server";
import type { ChatServerOptions } from "../../src/standalone/server";

/** The Chromium binary: `CHROMIUM_PATH`, default Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH: string = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags for a quiet, reproducible headless Chromium in a container. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--no-first-run",
  "--disable-sync",
];

/** True when {@link CHROMIUM_PATH} is an executable file. */
export function chromiumAvailable(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` for suites that need Chromium: runs `fn` when {@link CHROMIUM_PATH} is executable;
 * otherwise skips the suite with one line on stderr, or, when `CI` is set, defines one failing test.
 */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (chromiumAvailable()) {
    describe(name, fn);
    return;
  }
  const absent = `no Chromium at ${CHROMIUM_PATH}`;
  if (isCI()) {
    describe(name, () => {
      test("Chromium is installed (required when CI is set)", () => {
        throw new Error(`${absent}; CI is set, so the browser suites must run: apt-get install -y chromium, or set CHROMIUM_PATH`);
      });
    });
    return;
  }
  process.stderr.write(`Browser suites skipped: ${absent} (apt-get install -y chromium, or set CHROMIUM_PATH) [${name}]\n`);
  describe.skip(name, fn);
}

/**
 * Builds the demo bundles (client-demo/dist/) and launches Chromium. Playwright gives every
 * launch a fresh temporary profile (user-data-dir), removed on close.
 */
export async function launchBrowser(): Promise<Browser> {
  await buildDemo();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}

/** A page whose console errors and uncaught exceptions are collected in `errors`. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Every `console.error` message and uncaught page error, as text, in order. */
  errors: string[];
}

/** Opens a new context (its own cookies and storage: one user) with one page, watching for errors. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // A refused entry is a 4xx answer to the SDK's matchmaking request, which Chromium logs by itself;
    // the page shows the refusal in words (asserted by the tests). Any other failed load is an error.
    const refusedEntry =
      /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) &&
      message.location().url.includes("/matchmake/");
    if (!refusedEntry) errors.push(`console.error: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, errors };
}

/** One chat server and one Chromium for a describe block, with the pages it opened checked for errors. */
export interface BrowserSuite {
  /** The suite's server (available inside tests and hooks). */
  readonly server: TestServer;
  /** Opens a watched page; after each test every page opened is closed and must hold no error. */
  open(options?: BrowserContextOptions): Promise<WatchedPage>;
}

/**
 * Registers the hooks of a browser suite: a server started with `options` and Chromium before
 * all tests, every page closed and its errors asserted empty after each test, both stopped after all.
 */
export function browserSuite(options: ChatServerOptions = {}): BrowserSuite {
  let browser: Browser | undefined;
  const pages: WatchedPage[] = [];
  // Chromium closes before the server shuts down
  const server = useServer(options, { beforeShutdown: () => browser?.close() });
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    const errors = pages.flatMap((p) => p.errors);
    await Promise.all(pages.splice(0).map((p) => p.context.close()));
    expect(errors).toEqual([]);
  });
  return {
    get server() {
      return server;
    },
    async open(contextOptions = {}) {
      if (!browser) throw new Error("the browser suite's Chromium is not launched yet");
      const watched = await openPage(browser, contextOptions);
      pages.push(watched);
      return watched;
    },
  };
}
