/*
 * test_heartbeat.c - the heartbeat loop (src/heartbeat.c): structure of
 * the tick times only, with generous bounds (a shared machine is noisy):
 * a timer never fires before it is due; inline ticks wait for the job;
 * offloaded ticks come before the job ends and earlier than inline ones;
 * the LCG job's state matches the jump-ahead of its step count.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ompkit/heartbeat.h"

#define TICK 20
#define BLOCK 200

static void run(bool offload, enum ompk_hb_work work, struct ompk_heartbeat_stats *st)
{
	struct ompk_heartbeat_config c = { .tick_ms = TICK, .ticks = 3, .block_ms = BLOCK, .work = work, .offload = offload };

	assert_int_equal(ompk_heartbeat_run(&c, st), 0);
	assert_int_equal(st->ticks, 3);
	for (uint64_t k = 0; k < 3; k++) {
		/* A relative timer re-armed at each tick: never early. */
		assert_true(st->tick_at_ms[k] >= (double)((k + 1) * TICK) - 0.5);
		assert_true(st->late_ms[k] >= -0.5);
		assert_true(st->late_ms[k] <= st->max_late_ms);
		if (k)
			assert_true(st->tick_at_ms[k] >= st->tick_at_ms[k - 1] + TICK - 0.5);
	}
	assert_true(st->job_done_ms >= BLOCK - 0.5);
}

static void check_pair(enum ompk_hb_work work)
{
	struct ompk_heartbeat_stats in, off;

	run(false, work, &in);
	run(true, work, &off);
	/* Inline: the loop thread is busy for the whole job, so tick 1 waits for it. */
	assert_true(in.tick_at_ms[0] >= BLOCK - 0.5);
	assert_true(in.max_late_ms >= BLOCK - TICK - 0.5);
	/* Offload: the ticks go on while the job runs on the worker. */
	assert_true(off.tick_at_ms[2] < off.job_done_ms);
	assert_true(off.max_late_ms < in.max_late_ms);
	if (work == OMPK_HB_LCG) {
		assert_true(in.lcg_steps > 0 && off.lcg_steps > 0);
		assert_true(in.lcg_verified);
		assert_true(off.lcg_verified);
	}
	ompk_heartbeat_stats_free(&in);
	ompk_heartbeat_stats_free(&off);
}

static void test_sleep(void **state)
{
	(void)state;
	check_pair(OMPK_HB_SLEEP);
}

static void test_lcg(void **state)
{
	(void)state;
	check_pair(OMPK_HB_LCG);
}

static void test_bad_config(void **state)
{
	struct ompk_heartbeat_config c = { .tick_ms = 0, .ticks = 3, .block_ms = 10 };
	struct ompk_heartbeat_stats st;

	(void)state;
	assert_int_equal(ompk_heartbeat_run(&c, &st), -EINVAL);
	ompk_heartbeat_stats_free(&st);
	c.tick_ms = 10;
	c.ticks = 0;
	assert_int_equal(ompk_heartbeat_run(&c, &st), -EINVAL);
	ompk_heartbeat_stats_free(&st);
}

/* No job time: all ticks and the job's end still arrive, each request reaped once. */
static void test_zero_block(void **state)
{
	struct ompk_heartbeat_config c = { .tick_ms = 1, .ticks = 5, .block_ms = 0, .offload = true };
	struct ompk_heartbeat_stats st;

	(void)state;
	assert_int_equal(ompk_heartbeat_run(&c, &st), 0);
	assert_true(st.tick_at_ms[4] >= 5 - 0.5);
	ompk_heartbeat_stats_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sleep),
		cmocka_unit_test(test_lcg),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_zero_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
