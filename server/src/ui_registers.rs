//! The server side of the register pages' server functions.
use crate::ui_backend::UiBackend;
use app::registers::backend::RegisterBackend;

#[async_trait::async_trait]
impl RegisterBackend for UiBackend {}
