//! Where the bytes come from: a regular file as it is, anything else (standard input as `-`, a
//! pipe such as `/dev/stdin` or `<(zcat f.csv.gz)`, a character device) copied into an unnamed
//! temporary file first, so that the readers, which map or seek, see an ordinary file; and a
//! guard that turns the `SIGBUS` of a file truncated while it is mapped into a clean error.

use crate::TableError;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Most bytes copied from a stream (standard input, a pipe, a device). A stream is copied into
/// a temporary file before it is read; one that never ends (`/dev/zero`, `yes`) must not fill
/// the disk. Larger inputs can be written to a file first.
pub const MAX_STREAM_BYTES: u64 = 64 << 30;

/// The first line of a CSV must end within this many bytes, and hold no NUL byte: what does
/// not is not a CSV (a binary file, `/dev/zero`, a UTF-16 export).
pub const MAX_HEADER_BYTES: usize = 1 << 20;

/// The bytes to read: the user's path (for messages) and the regular file that holds them.
pub(crate) struct Source {
    /// A regular file with the input's bytes: the user's file, or the copy of a stream.
    pub file: File,
    /// A path that opens `file` again (for readers that take a path): the user's path, or
    /// `/proc/self/fd/N` for the unnamed copy of a stream.
    pub path: PathBuf,
    /// How many bytes it holds.
    pub len: u64,
    /// The first bytes (up to [`SNIFF_BYTES`]), for telling the format.
    pub head: Vec<u8>,
}

const SNIFF_BYTES: usize = 8;

impl Source {
    /// Another handle on the same file, for a reader that takes ownership (`path` names it in
    /// the error).
    pub fn reopen(&self, path: &Path) -> Result<File, TableError> {
        self.file.try_clone().map_err(|e| TableError::Open {
            path: path.to_path_buf(),
            source: e,
        })
    }

    /// Opens `path` (`-` is standard input). A stream is copied into an unnamed temporary
    /// file (deleted by the system when the process ends, however it ends), at most
    /// [`MAX_STREAM_BYTES`].
    pub fn open(path: &Path) -> Result<Source, TableError> {
        let open_err = |source: std::io::Error| TableError::Open {
            path: path.to_path_buf(),
            source,
        };
        if path.as_os_str() == "-" {
            return Source::copy(path, std::io::stdin().lock());
        }
        // The type is checked before opening: opening a FIFO for reading blocks until a
        // writer comes, which may be never.
        let meta = std::fs::metadata(path).map_err(open_err)?;
        if meta.is_dir() {
            return Err(open_err(std::io::Error::other(
                "it is a folder, not a file",
            )));
        }
        if meta.is_file() {
            let mut file = File::open(path).map_err(open_err)?;
            let head = read_head(&mut file).map_err(open_err)?;
            return Ok(Source {
                file,
                path: path.to_path_buf(),
                len: meta.len(),
                head,
            });
        }
        // A pipe or a device: opened without blocking on a FIFO that has no writer yet, then
        // read normally.
        let file = open_stream(path).map_err(open_err)?;
        Source::copy(path, file)
    }

    fn copy(path: &Path, mut stream: impl Read) -> Result<Source, TableError> {
        let fail = |source: std::io::Error| TableError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut spool = tempfile::tempfile().map_err(|e| {
            fail(std::io::Error::other(format!(
                "cannot create a temporary file to hold the stream ({e}); set TMPDIR to a writable folder, or save the input to a file"
            )))
        })?;
        let mut buf = vec![0u8; 1 << 20];
        let mut total: u64 = 0;
        let mut head = Vec::new();
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(fail(e)),
            };
            if head.len() < SNIFF_BYTES {
                let take = (SNIFF_BYTES - head.len()).min(n);
                head.extend_from_slice(&buf[..take]);
            }
            // A stream of NUL bytes (`/dev/zero`) or of binary noise is not a table: stop at
            // the first MiB rather than copy it until the disk is full.
            if total == 0 && !is_parquet(&buf[..n]) && buf[..n.min(MAX_HEADER_BYTES)].contains(&0) {
                return Err(TableError::NotText {
                    path: path.to_path_buf(),
                    why: "it holds NUL bytes (a binary file, a UTF-16 export, or a device such as /dev/zero)",
                });
            }
            total += n as u64;
            if total > MAX_STREAM_BYTES {
                return Err(TableError::TooLong {
                    path: path.to_path_buf(),
                    limit: MAX_STREAM_BYTES,
                });
            }
            spool.write_all(&buf[..n]).map_err(fail)?;
        }
        spool.flush().map_err(fail)?;
        let reopened = fd_path(&spool);
        Ok(Source {
            file: spool,
            path: reopened,
            len: total,
            head,
        })
    }
}

fn read_head(file: &mut File) -> std::io::Result<Vec<u8>> {
    use std::io::Seek;
    let mut head = vec![0u8; SNIFF_BYTES];
    let mut got = 0;
    while got < SNIFF_BYTES {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(got);
    file.seek(std::io::SeekFrom::Start(0))?;
    Ok(head)
}

/// Parquet files start with the magic bytes `PAR1`.
pub(crate) fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(b"PAR1")
}

/// gzip streams start with `1f 8b`.
pub(crate) fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

#[cfg(unix)]
fn open_stream(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    // Back to blocking reads: a pipe's writer may be slower than the reader.
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function owns.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
    Ok(file)
}

#[cfg(not(unix))]
fn open_stream(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(target_os = "linux")]
fn fd_path(file: &File) -> PathBuf {
    use std::os::fd::AsRawFd;
    PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()))
}

#[cfg(not(target_os = "linux"))]
fn fd_path(_file: &File) -> PathBuf {
    // Without /proc the copy has no path; the readers that need one are given the file.
    PathBuf::from("-")
}

/// While alive, a `SIGBUS` (what touching a mapped page past the end of a file that another
/// process truncated raises) ends the process with exit code 1 and a one-line message naming
/// the file, instead of killing it with the signal. Readers map files (the CSV readers, and
/// polars' Parquet reader): a file rewritten while it is read cannot be read reliably, and
/// nothing has been written by then, so stopping is the clean answer. Guards are taken one at a
/// time (a lock held while alive), so the message buffer is never written while armed.
pub(crate) struct TruncationGuard {
    #[cfg(unix)]
    _turn: std::sync::MutexGuard<'static, ()>,
}

#[cfg(unix)]
mod sigbus {
    use std::cell::UnsafeCell;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Mutex, Once};

    /// Longest message kept (a longer path is cut).
    pub const CAPACITY: usize = 4096;

    /// The message the handler prints. Written only by the holder of [`TURN`] while
    /// [`ARMED`] is false; read only by the handler while it is true.
    pub struct Buffer(pub UnsafeCell<[u8; CAPACITY]>);
    // SAFETY: access is ordered by `TURN` and `ARMED` as described above.
    unsafe impl Sync for Buffer {}
    pub static MESSAGE: Buffer = Buffer(UnsafeCell::new([0; CAPACITY]));
    pub static LENGTH: AtomicUsize = AtomicUsize::new(0);
    pub static ARMED: AtomicBool = AtomicBool::new(false);
    pub static TURN: Mutex<()> = Mutex::new(());
    static INSTALL: Once = Once::new();

    extern "C" fn on_sigbus(sig: libc::c_int) {
        // SAFETY: only async-signal-safe calls (write, _exit, signal, raise); the buffer is not
        // written while armed.
        unsafe {
            if ARMED.load(Ordering::SeqCst) {
                let len = LENGTH.load(Ordering::SeqCst);
                libc::write(2, MESSAGE.0.get() as *const libc::c_void, len);
                libc::_exit(1);
            }
            // Not ours: the default action, as if no handler had been installed.
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    pub fn install() {
        INSTALL.call_once(|| {
            // SAFETY: installs a handler that only calls async-signal-safe functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_sigbus as *const () as usize;
                libc::sigemptyset(&mut action.sa_mask);
                action.sa_flags = 0;
                libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
            }
        });
    }
}

impl TruncationGuard {
    /// Arms the guard for `path` (as the user named it).
    pub fn new(path: &Path) -> TruncationGuard {
        #[cfg(unix)]
        {
            use std::sync::atomic::Ordering;
            sigbus::install();
            let turn = sigbus::TURN.lock().unwrap_or_else(|e| e.into_inner());
            let text = format!(
                "wages: error: {}: the file changed while it was read (it was truncated or rewritten by another program); read it again once nothing is writing to it\n",
                crate::shown_path(path)
            );
            let bytes = text.as_bytes();
            let len = bytes.len().min(sigbus::CAPACITY);
            // SAFETY: we hold TURN and the guard is disarmed (the previous holder disarmed it
            // before releasing TURN), so the handler does not read the buffer now.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    bytes.as_ptr(),
                    sigbus::MESSAGE.0.get() as *mut u8,
                    len,
                );
            }
            sigbus::LENGTH.store(len, Ordering::SeqCst);
            sigbus::ARMED.store(true, Ordering::SeqCst);
            TruncationGuard { _turn: turn }
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            TruncationGuard {}
        }
    }
}

impl Drop for TruncationGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        sigbus::ARMED.store(false, std::sync::atomic::Ordering::SeqCst);
        // `_turn` is released after this, with the guard disarmed.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file truncated after it was mapped: touching the lost page raises SIGBUS, which the
    /// guard turns into exit code 1 and the message. Run in a child process (this test binary
    /// again, told by an environment variable to do the dangerous part), since the process
    /// ends.
    #[test]
    fn a_file_truncated_while_mapped_gives_exit_1_and_a_message() {
        if let Some(path) = std::env::var_os("WAGES_TABLE_TEST_TRUNCATE") {
            let path = PathBuf::from(path);
            let _guard = TruncationGuard::new(&path);
            let file = File::open(&path).unwrap();
            // SAFETY: the test truncates the file on purpose to raise SIGBUS.
            let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(0)
                .unwrap();
            let sum: u64 = map.iter().map(|&b| u64::from(b)).sum();
            println!("read {sum} without a fault");
            std::process::exit(0);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("payroll.csv");
        std::fs::write(&path, vec![b'1'; 1 << 16]).unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "input::tests::a_file_truncated_while_mapped_gives_exit_1_and_a_message",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("WAGES_TABLE_TEST_TRUNCATE", &path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
        assert!(
            stderr.contains("payroll.csv: the file changed while it was read"),
            "stderr: {stderr}"
        );
    }

    #[test]
    fn streams_are_copied_and_nul_streams_refused() {
        let s = Source::copy(Path::new("-"), &b"pay\n1\n2\n"[..]).unwrap();
        assert_eq!(s.len, 8);
        assert_eq!(s.head, b"pay\n1\n2\n");
        assert_eq!(std::fs::read(&s.path).unwrap(), b"pay\n1\n2\n");
        let zeros = std::io::repeat(0).take(10 << 20);
        assert!(matches!(
            Source::copy(Path::new("/dev/zero"), zeros),
            Err(TableError::NotText { .. })
        ));
    }
}
