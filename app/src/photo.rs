//! Photos on the phone: take one with the camera or pick from the gallery; the thumbnail shows
//! at once, the upload copy is made in the browser (`js/photo.js`: 1600 px JPEG, upright, EXIF
//! time and place kept) and uploaded by its SHA-256. A failed upload stays on screen with its
//! reason and a retry button; nothing is dropped silently.

use crate::i18n::Msg;
use crate::ui::t;
use leptos::prelude::*;

/// Made only in the browser; the server renders an empty list.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Stage {
    Preparing,
    Uploading,
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
struct Pending {
    key: u32,
    url: String,
    stage: Stage,
}

/// Photo addresses with the local preview of the ones taken on this page.
#[derive(Clone, Copy)]
pub struct Previews(RwSignal<Vec<(String, String, String)>>);

impl Previews {
    pub fn new() -> Self {
        Previews(RwSignal::new(Vec::new()))
    }

    /// The local preview of a photo taken here, else the server's thumbnail.
    fn src(&self, sha: &str) -> String {
        self.0
            .with(|v| v.iter().find(|(s, _, _)| s == sha).map(|(_, u, _)| u.clone()))
            .unwrap_or_else(|| thumb_url(sha))
    }

    fn meta(&self, sha: &str) -> Option<String> {
        self.0.with(|v| v.iter().find(|(s, _, _)| s == sha).map(|(_, _, m)| m.clone()))
    }
}

pub fn thumb_url(sha: &str) -> String {
    format!("/api/v1/photos/{sha}/thumb")
}

pub fn display_url(sha: &str) -> String {
    format!("/api/v1/photos/{sha}/display")
}

/// The photos of one record, with buttons to add more.
#[component]
pub fn PhotoPicker(
    /// The stored photos (SHA-256 addresses) of this record.
    #[prop(into)]
    photos: Signal<Vec<String>>,
    /// A photo is stored on the server.
    on_added: Callback<String>,
    on_removed: Callback<String>,
    school_id: i64,
    previews: Previews,
    #[prop(optional, into)] required: Signal<bool>,
    /// A before-photo to lay over the camera view, so the after-photo shows the same spot.
    #[prop(optional)]
    overlay: Option<String>,
) -> impl IntoView {
    let pending = RwSignal::new(Vec::<Pending>::new());
    let has_overlay = overlay.is_some();
    let overlay = StoredValue::new(overlay);
    let open_camera = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(url) = overlay.get_value() {
            let labels = (t(Msg::Close), t(Msg::ToggleBefore), t(Msg::Shutter));
            client::overlay_camera(url, labels, pending, previews, on_added, school_id);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = overlay;
    };
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        client::take_files(ev, pending, previews, on_added, school_id);
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, school_id, on_added, previews);
    };
    let retry = move |key: u32| {
        #[cfg(feature = "hydrate")]
        client::retry(key, pending, previews, on_added, school_id);
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    };
    let missing =
        move || required.get() && photos.with(Vec::is_empty) && pending.with(Vec::is_empty);
    view! {
        <div class="photos">
            <ul class="thumbs">
                {move || photos.get().into_iter().map(|sha| {
                    let src = previews.src(&sha);
                    let meta = previews.meta(&sha);
                    let full = display_url(&sha);
                    let sha2 = sha.clone();
                    view! {
                        <li class="thumb">
                            <a href=full target="_blank"><img src=src alt=t(Msg::PhotoAlt) loading="lazy"/></a>
                            {meta.filter(|m| !m.is_empty()).map(|m| view! { <span class="thumb-meta">{m}</span> })}
                            <button type="button" class="thumb-remove" aria-label=t(Msg::RemovePhoto)
                                on:click=move |_| on_removed.run(sha2.clone())>"×"</button>
                        </li>
                    }
                }).collect_view()}
                {move || pending.get().into_iter().map(|p| {
                    let key = p.key;
                    let (label, failed) = match &p.stage {
                        Stage::Preparing => (t(Msg::PhotoPreparing).to_owned(), false),
                        Stage::Uploading => (t(Msg::PhotoUploading).to_owned(), false),
                        Stage::Failed(m) => (m.clone(), true),
                    };
                    view! {
                        <li class="thumb pending" class:failed=failed>
                            {(!p.url.is_empty()).then(|| view! { <img src=p.url.clone() alt=t(Msg::PhotoAlt)/> })}
                            <span class="thumb-state" role="status">{label}</span>
                            {failed.then(|| view! {
                                <button type="button" class="button secondary small" on:click=move |_| retry(key)>{t(Msg::Retry)}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || missing().then(|| view! { <p class="hint warn">{t(Msg::PhotoNeeded)}</p> })}
            <div class="row photo-buttons">
                {has_overlay.then(|| view! {
                    <button type="button" class="button primary" on:click=open_camera>{t(Msg::ShootSameSpot)}</button>
                })}
                <label class="button secondary">
                    {t(Msg::TakePhoto)}
                    <input class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=on_change/>
                </label>
                <label class="button secondary">
                    {t(Msg::PickPhotos)}
                    <input class="visually-hidden" type="file" accept="image/jpeg,image/png,image/webp,image/*" multiple on:change=on_change/>
                </label>
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
pub mod client {
    //! The browser side: the JS module's functions and the upload flow.
    use super::{Pending, Previews, Stage};
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/js/photo.js")]
    extern "C" {
        #[wasm_bindgen(js_name = preparePhoto, catch)]
        async fn prepare_photo(file: web_sys::File) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = uploadPhoto, catch)]
        async fn upload_photo(sha: &str, blob: JsValue, school: f64) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = locate)]
        async fn locate_js(ms: u32) -> JsValue;
        #[wasm_bindgen(js_name = cameraWithOverlay)]
        async fn camera_with_overlay(before: &str, labels: JsValue) -> JsValue;
        #[wasm_bindgen(js_name = attachSignaturePad)]
        pub fn attach_signature_pad(canvas: &web_sys::HtmlCanvasElement);
        #[wasm_bindgen(js_name = clearSignature)]
        pub fn clear_signature(canvas: &web_sys::HtmlCanvasElement);
        #[wasm_bindgen(js_name = uploadSignature, catch)]
        async fn upload_signature_js(
            canvas: &web_sys::HtmlCanvasElement,
            school: f64,
        ) -> Result<JsValue, JsValue>;
    }

    /// Uploads the drawn signature; its address, or the reason it failed.
    pub async fn upload_signature(
        canvas: &web_sys::HtmlCanvasElement,
        school_id: i64,
    ) -> Result<String, String> {
        match upload_signature_js(canvas, school_id as f64).await {
            Ok(v) => v.as_string().ok_or_else(|| "?".to_owned()),
            Err(e) => Err(message(&e)),
        }
    }

    pub(super) fn overlay_camera(
        before: String,
        labels: (&'static str, &'static str, &'static str),
        pending: RwSignal<Vec<Pending>>,
        previews: Previews,
        on_added: Callback<String>,
        school_id: i64,
    ) {
        spawn_local(async move {
            let l = js_sys::Object::new();
            for (k, v) in [("close", labels.0), ("toggle", labels.1), ("shoot", labels.2)] {
                let _ = js_sys::Reflect::set(&l, &JsValue::from_str(k), &JsValue::from_str(v));
            }
            let file = camera_with_overlay(&before, l.into()).await;
            if let Ok(file) = file.dyn_into::<web_sys::File>() {
                add_files(vec![file], pending, previews, on_added, school_id);
            }
        });
    }

    /// The phone's position when it shares one within `ms`.
    pub async fn locate(ms: u32) -> Option<(f64, f64)> {
        let v = locate_js(ms).await;
        let arr: &js_sys::Array = v.dyn_ref()?;
        Some((arr.get(0).as_f64()?, arr.get(1).as_f64()?))
    }

    fn get(v: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn message(e: &JsValue) -> String {
        get(e, "message").as_string().unwrap_or_else(|| format!("{e:?}"))
    }

    thread_local! {
        static PREPARED: std::cell::RefCell<Vec<(u32, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
        static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
    }

    pub(super) fn take_files(
        ev: leptos::ev::Event,
        pending: RwSignal<Vec<Pending>>,
        previews: Previews,
        on_added: Callback<String>,
        school_id: i64,
    ) {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        add_files(files, pending, previews, on_added, school_id);
    }

    fn add_files(
        files: Vec<web_sys::File>,
        pending: RwSignal<Vec<Pending>>,
        previews: Previews,
        on_added: Callback<String>,
        school_id: i64,
    ) {
        for file in files {
            let key = NEXT.with(|n| {
                let k = n.get();
                n.set(k + 1);
                k
            });
            pending
                .update(|p| p.push(Pending { key, url: String::new(), stage: Stage::Preparing }));
            spawn_local(async move {
                match prepare_photo(file).await {
                    Ok(prepared) => {
                        let url = get(&prepared, "url").as_string().unwrap_or_default();
                        PREPARED.with(|p| p.borrow_mut().push((key, prepared)));
                        set(pending, key, Some(url), Stage::Uploading);
                        upload(key, pending, previews, on_added, school_id).await;
                    }
                    Err(e) => set(pending, key, None, Stage::Failed(message(&e))),
                }
            });
        }
    }

    pub(super) fn retry(
        key: u32,
        pending: RwSignal<Vec<Pending>>,
        previews: Previews,
        on_added: Callback<String>,
        school_id: i64,
    ) {
        set(pending, key, None, Stage::Uploading);
        spawn_local(upload(key, pending, previews, on_added, school_id));
    }

    fn set(pending: RwSignal<Vec<Pending>>, key: u32, url: Option<String>, stage: Stage) {
        pending.update(|v| {
            if let Some(p) = v.iter_mut().find(|p| p.key == key) {
                if let Some(u) = url {
                    p.url = u;
                }
                p.stage = stage;
            }
        });
    }

    async fn upload(
        key: u32,
        pending: RwSignal<Vec<Pending>>,
        previews: Previews,
        on_added: Callback<String>,
        school_id: i64,
    ) {
        let Some(prepared) =
            PREPARED.with(|p| p.borrow().iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()))
        else {
            return;
        };
        let sha = get(&prepared, "sha256").as_string().unwrap_or_default();
        let url = get(&prepared, "url").as_string().unwrap_or_default();
        match upload_photo(&sha, get(&prepared, "blob"), school_id as f64).await {
            Ok(_) => {
                let meta = describe(&prepared);
                previews.0.update(|v| v.push((sha.clone(), url, meta)));
                PREPARED.with(|p| p.borrow_mut().retain(|(k, _)| *k != key));
                pending.update(|v| v.retain(|p| p.key != key));
                on_added.run(sha);
            }
            Err(e) => set(pending, key, None, Stage::Failed(message(&e))),
        }
    }

    /// "拍摄 11-28 09:41 · 44.8120, 123.0880" from the EXIF the phone wrote.
    fn describe(prepared: &JsValue) -> String {
        let mut parts = Vec::new();
        if let Some(taken) = get(prepared, "takenAt").as_string() {
            // "2026:11:28 09:41:00" → "11-28 09:41"
            if taken.len() >= 16 {
                parts.push(format!("{}-{} {}", &taken[5..7], &taken[8..10], &taken[11..16]));
            }
        }
        if let (Some(la), Some(lo)) = (get(prepared, "lat").as_f64(), get(prepared, "lon").as_f64())
        {
            parts.push(format!("{la:.4}, {lo:.4}"));
        }
        parts.join(" · ")
    }
}
