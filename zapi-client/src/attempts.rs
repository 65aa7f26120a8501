//! What the attempts of one checked call came to: how many were made and the
//! last answer's status. The exec hook reports each attempt (through
//! `trace::attempt`) into a task-local slot that `send_checked` opens; the
//! call's span and its error read it once, at the end, so each span field is
//! recorded once however many retries there were.

use std::cell::Cell;
use std::pin::Pin;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Attempts {
    /// Attempts made, the first included; 0 when nothing was sent.
    pub(crate) count: u32,
    /// The last attempt's HTTP status, when it had an answer.
    pub(crate) status: Option<u16>,
    /// An earlier attempt went out and lost its answer (the call may have
    /// taken effect whatever the last attempt says), unless settled.
    pub(crate) lost_earlier: bool,
}

tokio::task_local! {
    static CURRENT: Cell<Attempts>;
}

/// `work` with a slot for its attempts (a wrapper, not another async layer).
pub(crate) type Counted<F> = tokio::task::futures::TaskLocalFuture<Cell<Attempts>, F>;

pub(crate) fn counted<F: Future>(work: F) -> Counted<F> {
    CURRENT.scope(Cell::new(Attempts::default()), work)
}

/// Attempt `count` ended, with an answer of `status` or none. Outside
/// `counted` (a plain `send()`), nothing.
pub(crate) fn record(count: u32, status: Option<u16>) {
    let _ = CURRENT.try_with(|slot| {
        let lost_earlier = slot.get().lost_earlier;
        slot.set(Attempts {
            count,
            status,
            lost_earlier,
        })
    });
}

/// Whether an earlier attempt lost its answer after sending (see `Attempts`).
pub(crate) fn record_lost_earlier(lost_earlier: bool) {
    let _ = CURRENT.try_with(|slot| {
        slot.set(Attempts {
            lost_earlier,
            ..slot.get()
        })
    });
}

/// What `counted` work recorded, once it has finished.
pub(crate) fn take<F: Future>(counted: Pin<&mut Counted<F>>) -> Attempts {
    counted
        .take_value()
        .map(Cell::into_inner)
        .unwrap_or_default()
}
