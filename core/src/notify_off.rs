//! `notify.rs` without the `systemd` feature, or off Linux: there is never a service
//! manager to tell, so every message is nothing and costs nothing.

use std::fmt::Display;
use std::time::Duration;

/// `notify.rs`'s option, kept nowhere: an App carries nothing for it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AutoReady;

impl AutoReady {
    #[inline(always)]
    pub(crate) fn new(_yes: bool) -> AutoReady {
        AutoReady
    }

    #[inline(always)]
    pub(crate) fn get(self) -> bool {
        false
    }
}

#[inline(always)]
pub(crate) fn is_active() -> bool {
    false
}

#[inline(always)]
pub(crate) fn ready() {}

#[inline(always)]
pub(crate) fn stopping(_extend: Duration) {}

#[inline(always)]
pub(crate) fn status(_status: &dyn Display) {}

#[inline(always)]
pub(crate) fn watchdog() {}

#[inline(always)]
pub(crate) fn watchdog_interval() -> Option<Duration> {
    None
}
