#!/usr/bin/env node
/**
 * Adds to package-lock.json the platform binaries (optional dependencies for other OSes/CPUs) that
 * npm left out because this machine's registry mirror does not have them (404). Without their
 * entries `npm ci` refuses the lockfile ("Missing: ... from lock file"). The entries carry the
 * version the parent asks for and the os/cpu/libc read from the package name, so npm skips them on
 * platforms they are not for, as it does with complete entries. Run it after `npm install` when a
 * dependency changes, then `npm install` once more to let npm normalize the file.
 */
const fs = require("node:fs");
const path = require("node:path");

const file = path.join(__dirname, "..", "package-lock.json");
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;
const OS = ["darwin", "linux", "win32", "android", "freebsd", "openbsd", "netbsd", "sunos", "aix", "openharmony"];
const CPU = {
  arm64: "arm64",
  x64: "x64",
  arm: "arm",
  ia32: "ia32",
  loong64: "loong64",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
  eabi: "arm",
  gnueabihf: "arm",
  musleabihf: "arm",
};

let added = 0;
for (const [, parent] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(parent.optionalDependencies ?? {})) {
    if (packages[`node_modules/${name}`]) continue;
    const parts = name.split("/").pop().split("-");
    const os = parts.find((p) => OS.includes(p));
    const cpus = parts.map((p) => CPU[p]).filter(Boolean);
    if (!os || cpus.length === 0) throw new Error(`${name}: cannot tell its platform from the name; add its entry by hand`);
    const libc =
      os === "linux" && parts.some((p) => p.includes("musl"))
        ? "musl"
        : os === "linux" && parts.some((p) => p.includes("gnu"))
          ? "glibc"
          : undefined;
    packages[`node_modules/${name}`] = {
      version: range.replace(/^[\^~=]/, ""),
      ...(parent.dev ? { dev: true } : {}),
      optional: true,
      cpu: [cpus.includes("arm64") ? "arm64" : cpus[0]],
      os: [os],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
const sorted = { "": packages[""] };
for (const key of Object.keys(packages)
  .filter((k) => k !== "")
  .sort())
  sorted[key] = packages[key];
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} platform entries to package-lock.json`);
