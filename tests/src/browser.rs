//! Headless Chromium driven through chromedriver (WebDriver), for tests of the page in a real
//! browser.
//!
//! The binaries are Debian's `chromium` and `chromium-driver`, installed by `scripts/browser.sh`
//! (which `scripts/test.sh` runs) and found through `UPFLOW_CHROMIUM` and `UPFLOW_CHROMEDRIVER`
//! (default `/usr/bin/chromium`, `/usr/bin/chromedriver`). A test fails with a clear message
//! when they are missing.
//!
//! chromedriver runs as a child process on a free loopback port, in a process group of its own
//! together with the Chromium it starts; dropping the [`Browser`] (also when a test panics)
//! kills that group and removes the fresh profile directory.

use std::future::Future;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use serde_json::json;

/// How long to wait for chromedriver to answer and for a page's element or URL.
pub const WAIT: Duration = Duration::from_secs(20);
/// Polling period while waiting.
pub const POLL: Duration = Duration::from_millis(50);

/// Flags that make Chromium start headless as root on this machine's closed network without
/// trying to reach anything: no sandbox (root), no GPU, no QUIC, no first-run, background
/// networking, component updates or sync.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1400",
];

/// A binary from `var`, or its default path; panics telling how to install it when missing.
fn binary(var: &str, default: &str, package: &str) -> PathBuf {
    let path = std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| default.into());
    assert!(
        is_executable(&path),
        "{} ({var}) is missing or not executable: run scripts/browser.sh, which installs Debian's \
         chromium and chromium-driver (package {package}), or set {var} to the binary",
        path.display()
    );
    path
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A running chromedriver (and the Chromium it starts), killed with its process group on drop.
struct Driver {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Driver {
    fn log(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("chromedriver.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group's id is chromedriver's pid (`process_group(0)`); Chromium and its helpers
        // are in it too.
        let _ =
            Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Chromium's helpers may still be closing files: retry briefly.
        for _ in 0..20 {
            if std::fs::remove_dir_all(&self.dir).is_ok() || !self.dir.exists() {
                break;
            }
            std::thread::sleep(POLL);
        }
    }
}

/// A free port on 127.0.0.1 (free when asked; chromedriver binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts chromedriver and waits until its `/status` says it is ready.
async fn start_driver(chromedriver: &Path, dir: &Path) -> Result<Driver, String> {
    let port = free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .arg(format!("--log-path={}", dir.join("chromedriver.log").display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", chromedriver.display()))?;
    let mut driver = Driver { child, port, dir: dir.to_path_buf() };
    let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
    let status_url = format!("http://127.0.0.1:{port}/status");
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(Some(status)) = driver.child.try_wait() {
            return Err(format!("chromedriver exited with {status} on port {port}:\n{}", driver.log()));
        }
        if let Ok(r) = http.get(&status_url).send().await {
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            if body["value"]["ready"] == true {
                return Ok(driver);
            }
        }
        if Instant::now() > deadline {
            return Err(format!("chromedriver did not become ready on port {port} within {WAIT:?}:\n{}", driver.log()));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// A headless Chromium session. Call [`Browser::close`] at the end of a test; dropping it
/// without (a panic) still kills chromedriver and Chromium.
pub struct Browser {
    pub client: Client,
    // Dropped after the client: kills the processes, then removes the profile.
    driver: Driver,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile.
    pub async fn start() -> Browser {
        let chromium = binary("UPFLOW_CHROMIUM", "/usr/bin/chromium", "chromium");
        let chromedriver = binary("UPFLOW_CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
        let dir = std::env::temp_dir().join(crate::unique_name("upflow-browser"));
        let profile = dir.join("profile");
        std::fs::create_dir_all(&profile).unwrap();

        // The port may be taken between asking and binding: try again on a new one.
        let mut attempt = 0;
        let driver = loop {
            attempt += 1;
            match start_driver(&chromedriver, &dir).await {
                Ok(driver) => break driver,
                Err(e) if attempt < 3 => eprintln!("retrying chromedriver: {e}"),
                Err(e) => panic!("{e}"),
            }
        };

        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        }))
        .unwrap();
        // rustls is built with both ring and aws-lc-rs here (the AWS SDK wants the latter), so
        // fantoccini's connector needs the process-wide provider chosen; the workspace uses ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let url = format!("http://127.0.0.1:{}", driver.port);
        let connect = ClientBuilder::rustls().unwrap().capabilities(capabilities).connect(&url).await;
        let client = match connect {
            Ok(client) => client,
            Err(e) => panic!("chromedriver could not start {}: {e}\n{}", chromium.display(), driver.log()),
        };
        Browser { client, driver }
    }

    /// Ends the WebDriver session (Chromium quits), then stops chromedriver.
    pub async fn close(self) {
        let Browser { client, driver } = self;
        if let Err(e) = client.close().await {
            eprintln!("closing the browser session: {e}");
        }
        drop(driver);
    }
}

/// Polls `check` every [`POLL`] until it returns `Some`, for at most `timeout`; panics naming
/// `what` after that.
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        tokio::time::sleep(POLL).await;
    }
}
