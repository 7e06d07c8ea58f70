/*
 * thread_stop.h - how a helper thread of this tree is stopped: set its
 * stop flag under its lock, wake it, join it. The compute thread of the
 * loader (src/io/handover.c) and the progress ticker (progress_tty.c) both
 * sleep on a condition variable until there is work or a stop; doing the
 * three steps in one place keeps the order right (the flag is set under
 * the lock the thread checks it under, so the wake-up cannot be lost).
 */
#ifndef OMPK_THREAD_STOP_H
#define OMPK_THREAD_STOP_H

#include <pthread.h>
#include <stdbool.h>

static inline void ompk_thread_stop(pthread_t thread, pthread_mutex_t *lock, pthread_cond_t *wake,
				    bool *stop)
{
	pthread_mutex_lock(lock);
	*stop = true;
	pthread_cond_broadcast(wake);
	pthread_mutex_unlock(lock);
	pthread_join(thread, NULL);
}

#endif
