// feed_bench: node's `feed` package renders one RSS 2.0 and one Atom 1.0
// document of the same items render_bench rendered (read from the JSON it
// wrote), full content, ROUNDS times; only rendering is timed.
//
//   node bench/feed_bench.mjs FEED_MODULE_DIR ITEMS.json [ROUNDS] [warm]
//
// Each round's figure is what a render costs where it runs: the first in a
// fresh process is cold (V8 has compiled nothing yet, the heap is small).
// With `warm`, the script then renders once more untimed and times one
// render after it, printed as a second figure marked "(warm)": what a
// long-running node process would pay per render.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [dir, file, roundsArg, warmArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 3);
const require = createRequire(path.join(dir, "package.json"));
const entry = require.resolve("feed");
const { Feed } = await import(pathToFileURL(entry).href);
const version = JSON.parse(
  readFileSync(path.join(dir, "node_modules/feed/package.json"), "utf8")).version;
const items = JSON.parse(readFileSync(file, "utf8"));

function render() {
  const feed = new Feed({
    title: "中国口岸协会 新闻资讯",
    description: "bench",
    id: "https://www.example.org/",
    link: "https://www.example.org/",
    language: "zh-CN",
    updated: new Date(items.length ? items[0].updated * 1000 : 0),
    generator: "feed",
    copyright: "",
    feedLinks: { rss: "https://www.example.org/bench.xml",
                 atom: "https://www.example.org/bench.xml" },
    author: { name: "中国口岸协会 新闻资讯" },
  });
  for (const it of items) {
    feed.addItem({
      title: it.title,
      id: it.id,
      link: it.link,
      description: it.summary,
      content: it.body,
      author: it.author ? [{ name: it.author }] : undefined,
      category: it.category ? [{ name: it.category }] : undefined,
      date: new Date(it.updated * 1000),
      published: new Date(it.published * 1000),
    });
  }
  const rss = feed.rss2();
  const atom = feed.atom1();
  return Buffer.byteLength(rss) + Buffer.byteLength(atom);
}

function timed(label) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const bytes = render();
  const t = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const split = `user ${(c.user / 1e6).toFixed(3)}, sys ${(c.system / 1e6).toFixed(3)}`;
  console.log(`node feed ${version}${label}: ${items.length} items (RSS + Atom, full content): ` +
    `${t.toFixed(3)} s (cpu ${cpu.toFixed(3)} s: ${split}), ${(items.length / t).toFixed(0)} items/s, ` +
    `${(bytes / t / 1e6).toFixed(1)} MB/s, ${(bytes / 1e6).toFixed(1)} MB`);
}

for (let r = 0; r < rounds; r++)
  timed("");
if (warmArg === "warm") {
  render(); // untimed: the warm-up
  timed(" (warm)");
}
