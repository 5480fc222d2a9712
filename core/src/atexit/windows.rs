//! Windows: `std::process::exit` is `ExitProcess`, which runs no C `atexit` handler,
//! so the trampoline (closing live Apps, then the handlers) is also hooked to the
//! process's end itself, twice over:
//!
//! - a TLS callback, which Windows calls with `DLL_PROCESS_DETACH` as the process
//!   ends (Wine 8 does not);
//! - a fiber-local-storage cleanup callback, which Windows and Wine call for the
//!   exiting thread as the process ends, when the thread's slot holds a value: the
//!   slot is set on the thread that registers and, through the TLS callback's
//!   `DLL_THREAD_ATTACH`, on every thread started after it.
//!
//! The trampoline runs what is left once, so reaching it again (after the C runtime's
//! `exit` already ran it, as when `main` returns) does nothing. At that point Windows
//! has already ended every other thread, and the loader lock is held: a hook that
//! waits for another thread, or for a lock another thread held, waits for ever.

use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};

use windows_sys::Win32::System::SystemServices::{DLL_PROCESS_DETACH, DLL_THREAD_ATTACH};
use windows_sys::Win32::System::Threading::{FlsAlloc, FlsSetValue, FLS_OUT_OF_INDEXES};

/// The fiber-local slot whose cleanup callback runs the trampoline at the end.
static SLOT: AtomicU32 = AtomicU32::new(FLS_OUT_OF_INDEXES);

/// What the slot holds: anything but null.
static MARKER: u8 = 0;

#[link(name = "ntdll")]
extern "system" {
    /// Whether the process is ending (ntdll; not in windows-sys).
    fn RtlDllShutdownInProgress() -> u8;
}

/// Arms the fiber-local slot, once, from `install_trampoline`.
pub(super) fn watch_exit_process() {
    // SAFETY: FlsAlloc with a callback that is a plain function living for the whole
    // process.
    let slot = unsafe { FlsAlloc(Some(on_slot_cleanup)) };
    if slot == FLS_OUT_OF_INDEXES {
        return;
    }
    SLOT.store(slot, Ordering::SeqCst);
    mark_this_thread(slot);
}

fn mark_this_thread(slot: u32) {
    // SAFETY: FlsSetValue on a slot this module allocated; the value is the address of
    // a static, never dereferenced.
    unsafe { FlsSetValue(slot, std::ptr::addr_of!(MARKER).cast()) };
}

/// Called when a thread ends (nothing to do) and as the process ends.
unsafe extern "system" fn on_slot_cleanup(_value: *const c_void) {
    // SAFETY: a plain ntdll query without arguments.
    if unsafe { RtlDllShutdownInProgress() } != 0 {
        super::run_at_exit();
    }
}

#[link_section = ".CRT$XLC"]
#[used]
static ON_TLS_EVENT: unsafe extern "system" fn(*mut c_void, u32, *mut c_void) = on_tls_event;

/// The TLS callback: a new thread gets the slot's value; the end of the process runs
/// the trampoline.
unsafe extern "system" fn on_tls_event(_module: *mut c_void, reason: u32, _: *mut c_void) {
    match reason {
        DLL_THREAD_ATTACH => {
            let slot = SLOT.load(Ordering::SeqCst);
            if slot != FLS_OUT_OF_INDEXES {
                mark_this_thread(slot);
            }
        }
        DLL_PROCESS_DETACH => super::run_at_exit(),
        _ => {}
    }
}
