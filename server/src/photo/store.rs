//! Where photo bytes live, behind one small trait: the local disk by default, or an
//! S3-compatible bucket ([`super::s3`]) when one is configured. Keys are content addresses, so a
//! stored object never changes; a write becomes visible only whole (temporary file, fsync,
//! rename).

use crate::config::Config;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The three copies kept of every photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The uploaded bytes, unchanged: the evidence.
    Original,
    /// Long edge 1600, upright, caption band, no metadata.
    Display,
    /// Long edge 320, no metadata.
    Thumb,
}

impl Variant {
    pub fn parse(s: &str) -> Option<Variant> {
        match s {
            "original" => Some(Variant::Original),
            "display" => Some(Variant::Display),
            "thumb" => Some(Variant::Thumb),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Original => "original",
            Variant::Display => "display",
            Variant::Thumb => "thumb",
        }
    }
}

#[async_trait::async_trait]
pub trait PhotoStore: Send + Sync + 'static {
    /// Stores `bytes` under the photo's hash and variant; durable when this returns.
    async fn put(&self, sha256: &str, variant: Variant, bytes: &[u8]) -> io::Result<()>;
    async fn get(&self, sha256: &str, variant: Variant) -> io::Result<Option<Vec<u8>>>;
}

/// The store the configuration names: the bucket when `XIAOAN_S3_BUCKET` is set, checked by a
/// write and a read so that the server does not start on a store it cannot use; otherwise the
/// data folder.
pub async fn open(config: &Config) -> Result<Arc<dyn PhotoStore>, super::s3::S3Error> {
    match &config.s3 {
        Some(s3) => {
            let store = super::s3::S3::new(s3)?;
            store.check().await?;
            Ok(Arc::new(store))
        }
        None => {
            let disk = LocalDisk::new(config.data_dir.join("photos"));
            // A write cut short (the process killed, the disk full) leaves its temporary file.
            match disk.sweep_temporaries() {
                Ok(0) => {}
                Ok(n) => tracing::warn!(files = n, "removed unfinished photo writes"),
                Err(e) => tracing::warn!(error = %e, "could not look for unfinished photo writes"),
            }
            Ok(Arc::new(disk))
        }
    }
}

/// Photos under `<data dir>/photos/ab/abcdef…-variant`.
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(root: impl Into<PathBuf>) -> LocalDisk {
        LocalDisk { root: root.into() }
    }

    /// The temporary files of writes that never finished (a photo becomes visible only when its
    /// temporary file is renamed to its address).
    pub fn temporaries(&self) -> io::Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        let shards = match std::fs::read_dir(&self.root) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
            Err(e) => return Err(e),
        };
        for shard in shards {
            let shard = shard?.path();
            if !shard.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&shard)? {
                let f = f?.path();
                if f.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(TEMP_PREFIX))
                {
                    found.push(f);
                }
            }
        }
        Ok(found)
    }

    /// Removes [`LocalDisk::temporaries`] older than an hour (no write takes that long, so none
    /// is removed under a write still going on, in this process or another sharing the folder).
    pub fn sweep_temporaries(&self) -> io::Result<usize> {
        let hour = std::time::Duration::from_secs(3600);
        let mut removed = 0;
        for f in self.temporaries()? {
            let age = std::fs::metadata(&f)?.modified()?.elapsed().unwrap_or_default();
            if age > hour {
                std::fs::remove_file(&f)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn path(&self, sha256: &str, variant: Variant) -> PathBuf {
        let shard = sha256.get(..2).unwrap_or("00");
        self.root.join(shard).join(format!("{sha256}-{}", variant.as_str()))
    }
}

/// How a photo's temporary file is named until it is complete.
const TEMP_PREFIX: &str = ".partial-";

fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let dir = path.parent().ok_or_else(|| io::Error::other("a photo path has a folder"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable only once the folder is synced.
    std::fs::File::open(dir)?.sync_all()
}

#[async_trait::async_trait]
impl PhotoStore for LocalDisk {
    async fn put(&self, sha256: &str, variant: Variant, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(sha256, variant);
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || write_durably(&path, &bytes))
            .await
            .map_err(io::Error::other)?
    }

    async fn get(&self, sha256: &str, variant: Variant) -> io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(sha256, variant)).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stored_photo_reads_back_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDisk::new(dir.path());
        let sha = "ab".repeat(32);
        store.put(&sha, Variant::Display, b"jpeg bytes").await.unwrap();
        assert_eq!(
            store.get(&sha, Variant::Display).await.unwrap().as_deref(),
            Some(&b"jpeg bytes"[..])
        );
        assert_eq!(store.get(&sha, Variant::Thumb).await.unwrap(), None);
        let files: Vec<_> = std::fs::read_dir(dir.path().join("ab")).unwrap().collect();
        assert_eq!(files.len(), 1, "only the finished file is visible");
    }
}
