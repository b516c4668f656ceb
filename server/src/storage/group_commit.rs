//! Group commit for hazard actions. Requests hand their action to a queue; a few writer tasks take
//! whatever has queued up while their last transaction committed and write it in one transaction,
//! so concurrent actions share a commit (one WAL flush, one fsync on SQLite) instead of paying for
//! one each. An idle server writes an action at once, alone: nothing waits for a batch to fill.
//!
//! Each request still gets its own answer: whether its hazard moved, or its own error. If a shared
//! transaction fails (say, one action's event id raced in twice), it is rolled back whole and each
//! of its actions is written again in a transaction of its own, so one bad action never takes the
//! others down and nothing is half-written.

use super::Db;
use super::hazards::{Apply, apply_all};
use crate::error::Result;
use app::error::AppError;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// At most this many actions share a transaction.
const MAX_BATCH: usize = 64;

type Job = (Apply, oneshot::Sender<Result<bool>>);

/// The queue of hazard actions waiting to be written (cheap to clone: a handle on the queue).
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer tasks for `db` on the current runtime: one on SQLite, which has a single
    /// writer anyway; two on PostgreSQL, so that one batch is gathered while the other commits
    /// (a batch there is one statement whatever its size: more writers would only make the
    /// batches smaller).
    pub fn start(db: Db) -> Self {
        let writers = match db {
            Db::Sqlite(_) => 1,
            Db::Postgres(_) => 2,
        };
        let (queue, jobs) = mpsc::channel::<Job>(MAX_BATCH * writers * 4);
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..writers {
            tokio::spawn(write_batches(db.clone(), Arc::clone(&jobs)));
        }
        GroupCommit { queue }
    }

    /// Writes `a` (in a transaction shared with whatever else is queued): whether it moved its
    /// hazard, which is false when the hazard is no longer at the version the action expected.
    pub async fn apply(&self, a: Apply) -> Result<bool> {
        let (answer, answered) = oneshot::channel();
        self.queue.send((a, answer)).await.map_err(|_| AppError::Internal)?;
        answered.await.map_err(|_| AppError::Internal)?
    }
}

/// One writer task: takes the first job that comes and every job already queued behind it (up to
/// [`MAX_BATCH`]), writes them in one transaction, answers each, and goes back for more. Ends when
/// every [`GroupCommit`] handle is gone.
async fn write_batches(db: Db, jobs: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let mut batch = Vec::new();
        {
            let mut jobs = jobs.lock().await;
            match jobs.recv().await {
                Some(job) => batch.push(job),
                None => return,
            }
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
        }
        let actions: Vec<&Apply> = batch.iter().map(|(a, _)| a).collect();
        match apply_all(&db, &actions).await {
            Ok(moved) => {
                for ((_, answer), moved) in batch.into_iter().zip(moved) {
                    let _ = answer.send(Ok(moved));
                }
            }
            Err(e) if batch.len() == 1 => {
                if let Some((_, answer)) = batch.pop() {
                    let _ = answer.send(Err(e));
                }
            }
            Err(_) => {
                for (a, answer) in batch {
                    let _ = answer.send(apply_all(&db, &[&a]).await.map(|m| m[0]));
                }
            }
        }
    }
}
