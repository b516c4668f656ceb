//! Photos in an S3-compatible bucket (`XIAOAN_S3_BUCKET`), through `object_store`: keys
//! `[<prefix>/]photos/ab/<sha256>-<variant>`, the same layout as the data folder. Keys are content
//! addresses, so a repeated put writes the same bytes again and changes nothing; S3 makes an
//! object visible only whole, once it is stored.

use super::store::{PhotoStore, Variant};
use crate::config::S3Config;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload, RetryConfig};
use std::io;
use std::time::Duration;

/// A failed request to the bucket: unreachable, refused (e.g. a wrong key) or not understood.
/// Its message says which bucket, which object and why; the HTTP layer answers 503 for it.
#[derive(Debug, thiserror::Error)]
#[error("photo store: {0}")]
pub struct S3Error(String);

impl S3Error {
    /// `name` is the bucket and endpoint, `doing` what failed. object_store's message ends at
    /// reqwest's "error sending request"; the reason (connection refused, a name not found, TLS)
    /// is further down the chain of causes, so that is written out too.
    fn new(name: &str, doing: &str, e: &object_store::Error) -> S3Error {
        let mut text = format!("{name}: {doing}: {e}");
        let mut cause = std::error::Error::source(e);
        while let Some(c) = cause {
            let more = c.to_string();
            if !text.contains(&more) {
                text = format!("{text}: {more}");
            }
            cause = c.source();
        }
        S3Error(text)
    }
}

pub struct S3 {
    store: AmazonS3,
    prefix: Option<Path>,
    /// `S3 bucket "…" at <endpoint>`, for messages.
    name: String,
}

/// The object a photo copy is stored as.
pub fn key(prefix: Option<&Path>, sha256: &str, variant: Variant) -> Path {
    let shard = sha256.get(..2).unwrap_or("00");
    let name = format!("{sha256}-{}", variant.as_str());
    let tail = ["photos", shard, name.as_str()].map(Into::into);
    Path::from_iter(prefix.into_iter().flat_map(|p| p.parts()).chain(tail))
}

impl S3 {
    /// A client for the configured bucket. Makes no request: see [`S3::check`].
    pub fn new(c: &S3Config) -> Result<S3, S3Error> {
        let endpoint = c.endpoint.clone().unwrap_or_else(|| format!("AWS region {}", c.region));
        let name = format!("S3 bucket {:?} at {endpoint}", c.bucket);
        let fail = |doing: &str, e: object_store::Error| S3Error::new(&name, doing, &e);
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&c.bucket)
            .with_region(&c.region)
            .with_access_key_id(&c.access_key_id)
            .with_secret_access_key(&c.secret_access_key)
            // A few quick retries, not object_store's three minutes: a phone waits on the
            // upload, and its outbox retries later anyway.
            .with_retry(RetryConfig {
                max_retries: 2,
                retry_timeout: Duration::from_secs(10),
                ..RetryConfig::default()
            });
        builder = match &c.endpoint {
            // Self-hosted servers (Ceph, MinIO, s3s) are addressed by path; http only when the
            // endpoint itself says so (loopback or a private network).
            Some(url) => builder
                .with_endpoint(url)
                .with_virtual_hosted_style_request(false)
                .with_allow_http(url.starts_with("http://")),
            None => builder.with_virtual_hosted_style_request(true),
        };
        let store = builder.build().map_err(|e| fail("configuring the client", e))?;
        let prefix = match &c.prefix {
            Some(p) => {
                Some(Path::parse(p).map_err(|e| fail("reading XIAOAN_S3_PREFIX", e.into()))?)
            }
            None => None,
        };
        Ok(S3 { store, prefix, name })
    }

    fn error(&self, doing: &str, e: object_store::Error) -> S3Error {
        S3Error::new(&self.name, doing, &e)
    }

    /// Writes a small object and reads it back, so that a wrong key, a missing bucket or an
    /// unreachable endpoint stops the server at start rather than at the first photo.
    pub async fn check(&self) -> Result<(), S3Error> {
        let probe = Path::from_iter(
            self.prefix.iter().flat_map(|p| p.parts()).chain(["xiaoan-start-up-check".into()]),
        );
        let doing = format!("the start-up check (writing and reading back {probe})");
        let written = format!("written by xiaoan at start-up, {}\n", uuid::Uuid::now_v7());
        self.store
            .put(&probe, PutPayload::from(written.clone().into_bytes()))
            .await
            .map_err(|e| self.error(&doing, e))?;
        let read = async { self.store.get(&probe).await?.bytes().await }
            .await
            .map_err(|e| self.error(&doing, e))?;
        if read != written.as_bytes() {
            let cause = object_store::Error::Generic {
                store: "S3",
                source: "the object read back differs from the one written".into(),
            };
            return Err(self.error(&doing, cause));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl PhotoStore for S3 {
    async fn put(&self, sha256: &str, variant: Variant, bytes: &[u8]) -> io::Result<()> {
        let key = key(self.prefix.as_ref(), sha256, variant);
        self.store
            .put(&key, PutPayload::from(bytes.to_vec()))
            .await
            .map_err(|e| io::Error::other(self.error(&format!("writing {key}"), e)))?;
        Ok(())
    }

    async fn get(&self, sha256: &str, variant: Variant) -> io::Result<Option<Vec<u8>>> {
        let key = key(self.prefix.as_ref(), sha256, variant);
        let read = async { self.store.get(&key).await?.bytes().await };
        match read.await {
            Ok(bytes) => Ok(Some(bytes.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io::Error::other(self.error(&format!("reading {key}"), e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_copies_are_keyed_like_the_data_folder_under_the_prefix() {
        let sha = format!("ab{}", "0".repeat(62));
        assert_eq!(
            key(None, &sha, Variant::Display).as_ref(),
            format!("photos/ab/{sha}-display"),
            "no prefix"
        );
        let prefix = Path::parse("county/baiyu").expect("a valid prefix");
        assert_eq!(
            key(Some(&prefix), &sha, Variant::Thumb).as_ref(),
            format!("county/baiyu/photos/ab/{sha}-thumb"),
            "under the prefix"
        );
    }
}
