//! Photos on the phone: take one with the camera or pick from the gallery; the upload copy is
//! made in the browser (`js/photo.js`: 1600 px JPEG, upright, EXIF time and place kept), kept on
//! the phone and put in the outbox, which uploads it by its SHA-256 when there is a network. The
//! thumbnail shows at once, from the phone's copy. A photo that cannot be read stays on screen
//! with the reason; nothing is dropped silently.

use crate::i18n::Msg;
use crate::ui::t;
use leptos::prelude::*;

/// Made only in the browser; the server renders an empty list.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Stage {
    Preparing,
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

/// Where a record's photos go: the school (for the caption band) and the record they belong to
/// (`inspection:ID`, `hazard:ID`), so the outbox can say what waits for what.
#[derive(Clone, Debug, PartialEq)]
pub struct Dest {
    pub school_id: i64,
    pub group: String,
}

/// The add and remove callbacks of a [`PhotoPicker`] that keeps its photos in `photos`.
pub fn keep_in(photos: RwSignal<Vec<String>>) -> (Callback<String>, Callback<String>) {
    let added = Callback::new(move |sha: String| {
        photos.update(|p| {
            if !p.contains(&sha) {
                p.push(sha)
            }
        })
    });
    let removed = Callback::new(move |sha: String| photos.update(|p| p.retain(|x| *x != sha)));
    (added, removed)
}

/// The photos of one record, with buttons to add more.
#[component]
pub fn PhotoPicker(
    /// The photos (SHA-256 addresses) of this record.
    #[prop(into)]
    photos: Signal<Vec<String>>,
    /// A photo is on the phone and in the outbox.
    on_added: Callback<String>,
    on_removed: Callback<String>,
    dest: Dest,
    previews: Previews,
    #[prop(optional, into)] required: Signal<bool>,
    /// A before-photo to lay over the camera view, so the after-photo shows the same spot.
    #[prop(optional)]
    overlay: Option<String>,
) -> impl IntoView {
    let pending = RwSignal::new(Vec::<Pending>::new());
    let has_overlay = overlay.is_some();
    let overlay = StoredValue::new(overlay);
    let dest = StoredValue::new(dest);
    let open_camera = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(url) = overlay.get_value() {
            let labels = (t(Msg::Close), t(Msg::ToggleBefore), t(Msg::Shutter));
            client::overlay_camera(url, labels, pending, previews, on_added, dest.get_value());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (overlay, dest);
    };
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        client::take_files(ev, pending, previews, on_added, dest.get_value());
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, on_added, previews);
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
                            <a href=full target="_blank"><LocalImg sha src alt=t(Msg::PhotoAlt)/></a>
                            {meta.filter(|m| !m.is_empty()).map(|m| view! { <span class="thumb-meta">{m}</span> })}
                            <button type="button" class="thumb-remove" aria-label=t(Msg::RemovePhoto)
                                on:click=move |_| on_removed.run(sha2.clone())>"×"</button>
                        </li>
                    }
                }).collect_view()}
                {move || pending.get().into_iter().map(|p| {
                    let (label, failed) = match &p.stage {
                        Stage::Preparing => (t(Msg::PhotoPreparing).to_owned(), false),
                        Stage::Failed(m) => (m.clone(), true),
                    };
                    let key = p.key;
                    view! {
                        <li class="thumb pending" class:failed=failed>
                            {(!p.url.is_empty()).then(|| view! { <img src=p.url.clone() alt=t(Msg::PhotoAlt)/> })}
                            <span class="thumb-state" role="status">{label}</span>
                            {failed.then(|| view! {
                                <button type="button" class="button secondary small"
                                    on:click=move |_| pending.update(|v| v.retain(|p| p.key != key))>{t(Msg::Dismiss)}</button>
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

/// A photo from the server, or from the phone's own copy when the server cannot be reached.
#[component]
pub fn LocalImg(sha: String, src: String, alt: &'static str) -> impl IntoView {
    let on_error = move |ev: leptos::ev::ErrorEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(img) =
                ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlImageElement>().ok())
            {
                let sha = sha.clone();
                leptos::task::spawn_local(async move { client::use_local_photo(&img, &sha).await });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &sha);
    };
    view! { <img src=src alt=alt loading="lazy" on:error=on_error/> }
}

/// A pad to sign on with a finger, and a button to start again. The caller keeps `canvas` to read
/// the signature when the form is sent.
#[component]
pub fn SignaturePad(canvas: NodeRef<leptos::html::Canvas>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        if let Some(c) = canvas.get() {
            client::attach_signature_pad(&c);
        }
    });
    let clear = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(c) = canvas.get() {
            client::clear_signature(&c);
        }
    };
    view! {
        <div class="signature-box">
            <p class="label">{t(Msg::SignHere)}</p>
            <canvas node_ref=canvas class="signature-pad" aria-label=t(Msg::SignHere)></canvas>
            <button type="button" class="button secondary small" on:click=clear>{t(Msg::ClearSignature)}</button>
        </div>
    }
}

#[cfg(feature = "hydrate")]
pub mod client {
    //! The browser side: the JS module's functions and the flow into the outbox.
    use super::{Dest, Pending, Previews, Stage};
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/js/photo.js")]
    extern "C" {
        #[wasm_bindgen(js_name = preparePhoto, catch)]
        async fn prepare_photo(file: web_sys::File) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = locate)]
        async fn locate_js(ms: u32) -> JsValue;
        #[wasm_bindgen(js_name = cameraWithOverlay)]
        async fn camera_with_overlay(before: &str, labels: JsValue) -> JsValue;
        #[wasm_bindgen(js_name = attachSignaturePad)]
        pub fn attach_signature_pad(canvas: &web_sys::HtmlCanvasElement);
        #[wasm_bindgen(js_name = clearSignature)]
        pub fn clear_signature(canvas: &web_sys::HtmlCanvasElement);
        #[wasm_bindgen(js_name = signatureBlob, catch)]
        async fn signature_blob(canvas: &web_sys::HtmlCanvasElement) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = useLocalPhoto)]
        pub async fn use_local_photo(img: &web_sys::HtmlImageElement, sha: &str);
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

    /// Puts the drawn signature into the outbox; its address, or None when nothing was drawn.
    pub async fn store_signature(
        canvas: &web_sys::HtmlCanvasElement,
        dest: &Dest,
    ) -> Option<String> {
        let v = signature_blob(canvas).await.ok()?;
        let sha = get(&v, "sha256").as_string()?;
        crate::local::js::put_photo(&sha, get(&v, "blob"), dest.school_id as f64, &dest.group)
            .await
            .ok()?;
        Some(sha)
    }

    thread_local! {
        static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
    }

    pub(super) fn overlay_camera(
        before: String,
        labels: (&'static str, &'static str, &'static str),
        pending: RwSignal<Vec<Pending>>,
        previews: Previews,
        on_added: Callback<String>,
        dest: Dest,
    ) {
        spawn_local(async move {
            let l = js_sys::Object::new();
            for (k, v) in [("close", labels.0), ("toggle", labels.1), ("shoot", labels.2)] {
                let _ = js_sys::Reflect::set(&l, &JsValue::from_str(k), &JsValue::from_str(v));
            }
            let file = camera_with_overlay(&before, l.into()).await;
            if let Ok(file) = file.dyn_into::<web_sys::File>() {
                add_files(vec![file], pending, previews, on_added, dest);
            }
        });
    }

    pub(super) fn take_files(
        ev: leptos::ev::Event,
        pending: RwSignal<Vec<Pending>>,
        previews: Previews,
        on_added: Callback<String>,
        dest: Dest,
    ) {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        add_files(files, pending, previews, on_added, dest);
    }

    fn add_files(
        files: Vec<web_sys::File>,
        pending: RwSignal<Vec<Pending>>,
        previews: Previews,
        on_added: Callback<String>,
        dest: Dest,
    ) {
        for file in files {
            let key = NEXT.with(|n| {
                let k = n.get();
                n.set(k + 1);
                k
            });
            pending
                .update(|p| p.push(Pending { key, url: String::new(), stage: Stage::Preparing }));
            let dest = dest.clone();
            spawn_local(async move {
                let stored = match prepare_photo(file).await {
                    Ok(prepared) => {
                        let sha = get(&prepared, "sha256").as_string().unwrap_or_default();
                        let put = crate::local::js::put_photo(
                            &sha,
                            get(&prepared, "blob"),
                            dest.school_id as f64,
                            &dest.group,
                        )
                        .await;
                        put.map(|_| (sha, prepared))
                    }
                    Err(e) => Err(e),
                };
                match stored {
                    Ok((sha, prepared)) => {
                        let url = get(&prepared, "url").as_string().unwrap_or_default();
                        previews.0.update(|v| v.push((sha.clone(), url, describe(&prepared))));
                        pending.update(|v| v.retain(|p| p.key != key));
                        on_added.run(sha);
                    }
                    Err(e) => pending.update(|v| {
                        if let Some(p) = v.iter_mut().find(|p| p.key == key) {
                            p.stage = Stage::Failed(message(&e));
                        }
                    }),
                }
            });
        }
    }

    /// "11-28 09:41 · 44.8120, 123.0880" from the EXIF the phone wrote.
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
