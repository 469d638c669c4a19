//! **The 公示 report in a real browser.** The sample quarter and 邻里荟 are
//! rendered, opened in headless Chromium at a phone's width (390 px, and 360
//! and 414) and a desktop's (1280 px), and checked from the rendered page: the
//! document is no wider than the viewport, nothing outside a scrolling table
//! sticks out, every SVG has a title, chart text is at least 11 px on screen,
//! and no raw id (`high`, `in-effect`, `seniors-alone`, …) is shown as text.
//! Screenshots land in `target/browser/` for a person to look at.
//!
//! Chromium's new headless mode will not make a window narrower than 500 px,
//! so the page is opened in an iframe of the width under test, which is what
//! the page's layout sees as its viewport. The report itself has no script:
//! the probe lives in the outer page.
//!
//! Without a browser the test says so loudly and passes, unless
//! `GUIDED_COMMUNITY_REQUIRE_BROWSER` is set (CI sets it after installing one).

use std::path::{Path, PathBuf};
use std::process::Command;

use guided_community::{Policy, quarterly_cycle, report, sample};

/// Ids that must never reach a reader as they are.
const RAW_IDS: [&str; 27] = [
    "high",
    "low",
    "medium",
    "in-effect",
    "published",
    "propose",
    "consult",
    "review",
    "resolved",
    "rejected",
    "seniors-alone",
    "seniors",
    "young-families",
    "young-renters",
    "floating",
    "disability",
    "other",
    "elevator",
    "water",
    "noise",
    "parking",
    "sanitation",
    "greenery",
    "suggestion",
    "heating",
    "safety",
    "household-grants",
];

/// The probe: run in the outer page once the report has loaded in the iframe;
/// writes its findings as JSON into the outer page, which `--dump-dom` prints.
const PROBE: &str = r#"
var frame = document.getElementById('report');
frame.addEventListener('load', function () {
  var d = frame.contentDocument, w = frame.contentWindow, out = {};
  out.viewport = d.documentElement.clientWidth;
  out.width = Math.max(d.documentElement.scrollWidth, d.body.scrollWidth);
  out.height = d.documentElement.scrollHeight;
  var svgs = d.querySelectorAll('svg');
  out.svgs = svgs.length;
  out.untitled = [];
  svgs.forEach(function (s, i) {
    var t = s.querySelector(':scope > title');
    if (!t || !t.textContent.trim()) out.untitled.push(i);
  });
  out.smallest = 1e9; out.smallestText = '';
  out.clipped = [];
  d.querySelectorAll('svg text').forEach(function (t) {
    var ctm = t.getScreenCTM();
    var px = parseFloat(w.getComputedStyle(t).fontSize) * (ctm ? ctm.a : 1);
    if (px < out.smallest) { out.smallest = px; out.smallestText = t.textContent; }
    var box = t.getBBox(), view = t.ownerSVGElement.viewBox.baseVal;
    if (box.x < -0.5 || box.x + box.width > view.width + 0.5) out.clipped.push(t.textContent);
  });
  // Anything sticking out to the right, other than inside a scrolling box.
  out.overflowing = [];
  d.body.querySelectorAll('*').forEach(function (e) {
    if (e.closest('.scroll')) return;
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > out.viewport + 0.5) out.overflowing.push(e.tagName + ' ' + (e.textContent || '').slice(0, 40));
  });
  // Visible text: rendered text nodes (a closed <details> renders nothing).
  var raw = RAW, found = [];
  var walker = d.createTreeWalker(d.body, NodeFilter.SHOW_TEXT);
  for (var n = walker.nextNode(); n; n = walker.nextNode()) {
    var p = n.parentElement;
    if (!p || p.getClientRects().length === 0 || p.closest('style')) continue;
    var text = n.textContent, trimmed = text.trim();
    raw.forEach(function (id) {
      if (trimmed === id || text.indexOf('(' + id + ')') >= 0 || text.indexOf('（' + id + '）') >= 0
          || text.indexOf('`' + id + '`') >= 0) found.push(id + ' in "' + trimmed.slice(0, 60) + '"');
    });
  }
  out.raw = found;
  document.body.insertAdjacentHTML('beforeend',
    '<pre id="pro' + 'be">' + JSON.stringify(out).replace(/</g, '\\u003c') + '</pre>');
});
"#;

/// A headless Chromium, if one is installed.
fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "chromium-headless-shell",
        "headless_shell",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The outer page: the report in an iframe `width` wide.
fn outer(report: &Path, width: u32, height: u32) -> String {
    let raw = serde_json::to_string(&RAW_IDS).unwrap();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">\
         <iframe id=\"report\" src=\"{}\" style=\"width:{width}px;height:{height}px;border:0;display:block\"></iframe>\
         <script>var RAW = {raw};{PROBE}</script></body></html>",
        report.file_name().unwrap().to_str().unwrap()
    )
}

fn chromium(browser: &Path, args: &[String]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--no-first-run",
            "--disable-extensions",
        ])
        .args(args)
        .output()
        .unwrap()
}

/// Opens the report at `width` and returns the probe's findings.
fn probe(browser: &Path, dir: &Path, name: &str, width: u32) -> serde_json::Value {
    let page = dir.join(format!("{name}-{width}-probe.html"));
    std::fs::write(&page, outer(&dir.join(format!("{name}.html")), width, 900)).unwrap();
    let out = chromium(
        browser,
        &[
            format!("--window-size={},900", width.max(500)),
            "--virtual-time-budget=5000".to_owned(),
            "--dump-dom".to_owned(),
            format!("file://{}", page.display()),
        ],
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.rfind("<pre id=\"probe\">").unwrap_or_else(|| {
        panic!(
            "no probe result at {width} px: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let json = &dom[start + "<pre id=\"probe\">".len()..];
    let json = &json[..json.find("</pre>").unwrap()];
    let json = json
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// A screenshot of the whole page at `width`, for a person.
fn screenshot(browser: &Path, dir: &Path, name: &str, width: u32, height: u32) {
    let page = dir.join(format!("{name}-{width}-shot.html"));
    std::fs::write(
        &page,
        outer(&dir.join(format!("{name}.html")), width, height),
    )
    .unwrap();
    let png = dir.join(format!("{name}-{width}.png"));
    let out = chromium(
        browser,
        &[
            format!("--window-size={width},{height}"),
            format!("--screenshot={}", png.display()),
            format!("file://{}", page.display()),
        ],
    );
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_report_reads_on_a_phone_and_a_desktop() {
    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("GUIDED_COMMUNITY_REQUIRE_BROWSER").is_none(),
            "no Chromium on PATH, and GUIDED_COMMUNITY_REQUIRE_BROWSER is set"
        );
        eprintln!(
            "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPED: the report's browser test needs Chromium on PATH       !!!\n\
             !!! (apt-get install chromium fonts-noto-cjk); .ci/run installs it. !!!\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return;
    };
    let dir = out_dir();
    for (name, inputs) in [
        ("sunshine", sample::sunshine(2026)),
        ("linlihui", sample::linlihui(2026)),
    ] {
        let quarter = quarterly_cycle(&inputs, &Policy::default()).unwrap();
        let html = report::render_html(&quarter.publicity);
        assert!(
            html.len() < 60 * 1024,
            "{name}: the page weighs {} bytes",
            html.len()
        );
        assert!(!html.contains("<script") && !html.contains("http"));
        std::fs::write(dir.join(format!("{name}.html")), &html).unwrap();
        for width in [360, 390, 414, 1280] {
            let found = probe(&browser, &dir, name, width);
            let at = format!("{name} at {width} px: {found}");
            assert!(
                found["width"].as_f64().unwrap() <= found["viewport"].as_f64().unwrap(),
                "the page scrolls sideways: {at}"
            );
            assert_eq!(found["overflowing"], serde_json::json!([]), "{at}");
            assert!(found["svgs"].as_u64().unwrap() >= 7, "{at}");
            assert_eq!(found["untitled"], serde_json::json!([]), "{at}");
            assert!(found["smallest"].as_f64().unwrap() >= 11.0, "{at}");
            assert_eq!(found["clipped"], serde_json::json!([]), "{at}");
            assert_eq!(found["raw"], serde_json::json!([]), "{at}");
            if width == 390 || width == 1280 {
                let height = u32::try_from(found["height"].as_u64().unwrap()).unwrap();
                screenshot(&browser, &dir, name, width, height.clamp(600, 16_000));
            }
        }
    }
    eprintln!("screenshots of the report: {}", dir.display());
}
