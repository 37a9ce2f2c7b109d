//! A private PostgreSQL server for one test, so that the test may stop, start and restart it
//! without touching the shared server the other tests use.
//!
//! `initdb` into a temporary directory with the installed binaries
//! (`/usr/lib/postgresql/<major>/bin`, the newest, the shared server's major version on the
//! machines `scripts/services.sh` sets up), trust authentication, a free loopback port, its
//! socket in its own directory. Postgres refuses to run as root, so as root every command runs
//! as the `postgres` OS user (`runuser`) and the directory is handed to it. Dropped: stopped
//! (immediately) and deleted.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A running private server.
pub struct PgInstance {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

/// The newest installed PostgreSQL's `bin` directory.
fn pg_bin() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL binaries under /usr/lib/postgresql (scripts/services.sh installs them)")
        .filter_map(|e| {
            let e = e.ok()?;
            let major: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((major, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).expect("no /usr/lib/postgresql/*/bin/initdb")
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl PgInstance {
    /// Creates and starts a server; blocks until it accepts connections.
    pub fn start() -> PgInstance {
        let as_postgres = is_root();
        let dir = std::env::temp_dir().join(crate::unique_name("upflow-pg"));
        std::fs::create_dir_all(&dir).unwrap();
        let instance = PgInstance { bin: pg_bin(), dir, port: free_port(), as_postgres };
        if as_postgres {
            instance.check("chown", Command::new("chown").args(["-R", "postgres:postgres"]).arg(&instance.dir));
        }
        let data = instance.data();
        instance.run("initdb", &["-D", path(&data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
        instance.start_server();
        instance
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A URL for `database` (`postgres` always exists).
    pub fn url(&self, database: &str) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/{database}?sslmode=disable", self.port)
    }

    /// Creates a database.
    pub async fn create_database(&self, name: &str) {
        let (client, conn) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    }

    /// Starts the stopped server; blocks until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off -c max_connections=50",
            self.port,
            path(&self.dir)
        );
        let log = self.dir.join("server.log");
        self.run("pg_ctl", &["start", "-w", "-t", "60", "-D", path(&self.data()), "-l", path(&log), "-o", &options]);
    }

    /// Stops the server (fast: open sessions are ended, as a failover or maintenance would).
    pub fn stop(&self) {
        self.run("pg_ctl", &["stop", "-w", "-m", "fast", "-D", path(&self.data())]);
    }

    /// `pg_ctl restart -m fast`: every open connection is cut; blocks until it accepts again.
    pub fn restart(&self) {
        // `-l`: the new server writes to the log file; without it, it would inherit pg_ctl's
        // stdout, and waiting for pg_ctl's output would wait for the server to exit.
        let log = self.dir.join("server.log");
        self.run("pg_ctl", &["restart", "-w", "-t", "60", "-m", "fast", "-D", path(&self.data()), "-l", path(&log)]);
    }

    /// The server's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        command.args(args).current_dir(&self.dir);
        self.check(tool, &mut command)
    }

    fn check(&self, what: &str, command: &mut Command) -> Output {
        let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what} failed ({}): {}{}\nserver log:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
        out
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

impl Drop for PgInstance {
    fn drop(&mut self) {
        let data = self.data();
        let program = self.bin.join("pg_ctl");
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        let _ = command.args(["stop", "-w", "-m", "immediate", "-D", path(&data)]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
