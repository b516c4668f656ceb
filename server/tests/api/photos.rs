//! Photo upload and access through the API: verified by hash, idempotent, refused clearly.

use crate::helpers::{TestApp, error_of, spawn_app, spawn_app_with};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use server::photo::pipeline::samples::{ExifSpec, exif_tiff, jpeg, noise_photo};
use sha2::{Digest, Sha256};

pub(crate) fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A 640×480 photo with EXIF orientation 6 (the phone was held upright), a time and GPS.
pub(crate) fn phone_photo(seed: u64) -> Vec<u8> {
    let rgb = noise_photo(640, 480, seed);
    let exif = exif_tiff(&ExifSpec {
        orientation: Some(6),
        taken_at: Some("2026:11:28 09:41:00"),
        gps: Some((44.81, 123.09)),
    });
    jpeg(&rgb, 640, 480, 90, Some(&exif))
}

pub(crate) async fn put(app: &TestApp, c: &Client, sha256: &str, body: Vec<u8>) -> Response {
    c.put(app.url(&format!("/api/v1/photos/{sha256}")))
        .header("content-type", "image/jpeg")
        .body(body)
        .send()
        .await
        .expect("PUT photo")
}

#[tokio::test]
async fn a_photo_is_stored_once_and_a_retry_answers_200_with_the_same_record() {
    let app = spawn_app().await;
    let c = app.client_as("inspector").await;
    let photo = phone_photo(1);
    let id = sha(&photo);
    let first = put(&app, &c, &id, photo.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(
        (first["width"].as_i64(), first["height"].as_i64()),
        (Some(480), Some(640)),
        "upright: portrait"
    );
    assert_eq!(first["taken_at"], "2026-11-28T09:41:00");
    assert!((first["latitude"].as_f64().unwrap() - 44.81).abs() < 1e-4);
    let again = put(&app, &c, &id, photo.clone()).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first);
    let original = app.get(&c, &format!("/api/v1/photos/{id}/original")).await;
    assert_eq!(
        original.bytes().await.unwrap().as_ref(),
        &photo[..],
        "the evidence original is kept byte for byte"
    );
}

#[tokio::test]
async fn served_copies_are_upright_cached_and_carry_no_location() {
    let app = spawn_app().await;
    let c = app.client_as("inspector").await;
    let photo = phone_photo(2);
    let id = sha(&photo);
    put(&app, &c, &id, photo).await;
    for variant in ["display", "thumb"] {
        let res = app.get(&c, &format!("/api/v1/photos/{id}/{variant}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{variant}");
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("inline"));
        let bytes = res.bytes().await.unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{variant} has no EXIF (no GPS)");
        let mut dec = jpeg_decoder::Decoder::new(&bytes[..]);
        dec.read_info().unwrap();
        let info = dec.info().unwrap();
        assert!(info.height > info.width, "{variant} is upright");
    }
}

#[tokio::test]
async fn a_truncated_upload_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let c = app.client_as("inspector").await;
    let photo = phone_photo(3);
    let id = sha(&photo);
    let (s, e) = error_of(put(&app, &c, &id, photo[..photo.len() / 2].to_vec()).await).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::BAD_REQUEST, Some("hash_mismatch")));
    assert_eq!(
        app.get(&c, &format!("/api/v1/photos/{id}/original")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(server::storage::photos::get(&app.state.db, &id).await.unwrap().is_none());
}

#[tokio::test]
async fn files_that_are_not_photos_are_refused_by_content_with_a_clear_reason() {
    let app = spawn_app().await;
    let c = app.client_as("inspector").await;
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00renamed-to.jpg".to_vec();
    let (s, e) = error_of(put(&app, &c, &sha(&zip), zip).await).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media"))
    );
    assert!(e["message"].as_str().unwrap().contains("JPEG"), "says what is accepted: {e}");
    let heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec();
    let (s, e) = error_of(put(&app, &c, &sha(&heic), heic).await).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("heic_photo")));
    assert!(e["message"].as_str().unwrap().contains("HEIC"));
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_with_422() {
    let app = spawn_app().await;
    let c = app.client_as("inspector").await;
    // A PNG header that claims 30000×30000 pixels (900 MP) in a file of a few bytes: the pixel
    // limit must stop it before anything is decoded or allocated.
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, 1, 1);
        enc.set_color(png::ColorType::Grayscale);
        enc.write_header().unwrap().write_image_data(&[0]).unwrap();
    }
    // IHDR starts after the 8-byte signature: length (4), "IHDR" (4), width (4), height (4), …, CRC.
    png[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    assert!(png.len() < 1024, "a small file: {} bytes", png.len());
    let (s, e) = error_of(put(&app, &c, &sha(&png), png).await).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("too_many_pixels"))
    );
}

#[tokio::test]
async fn an_upload_over_the_size_limit_is_a_413() {
    let app = spawn_app_with(|c| c.max_photo_bytes = 64 * 1024).await;
    let c = app.client_as("inspector").await;
    let big = vec![0xFFu8; 200 * 1024];
    let (s, e) = error_of(put(&app, &c, &sha(&big), big).await).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")));
}

#[tokio::test]
async fn only_those_who_may_see_a_photo_get_it_and_uploads_need_a_login() {
    let app = spawn_app().await;
    let c = app.client_as("principal").await;
    let school = app.school_id("白榆县实验小学").await;
    let photo = phone_photo(4);
    let id = sha(&photo);
    let res = c
        .put(app.url(&format!("/api/v1/photos/{id}?school={school}")))
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let other = app.client_as("principal2").await;
    let (s, _) = error_of(app.get(&other, &format!("/api/v1/photos/{id}/display")).await).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a principal of another school sees nothing");
    let anonymous = app.client();
    assert_eq!(put(&app, &anonymous, &id, photo).await.status(), StatusCode::UNAUTHORIZED);
    // A principal cannot caption a photo with another school.
    let other_school = app.school_id("白榆县第一中学").await;
    let photo = phone_photo(5);
    let res = c
        .put(app.url(&format!("/api/v1/photos/{}?school={other_school}", sha(&photo))))
        .body(photo)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
