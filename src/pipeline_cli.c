/*
 * pipeline_cli.c - bin/pipeline's flags as rows of the one option table
 * type (ompkit/cli.h) and the driver's rows it takes. To add a flag: a
 * field in struct ompk_pipeline_cli (ompkit/pipeline.h) and a row below.
 */
#include <errno.h>
#include <omp.h>
#include <stddef.h>
#include <string.h>

#include "ompkit/pipeline.h"
#include "ompkit/registry.h"
#include "ompkit/simd.h"

#define OFF(field) offsetof(struct ompk_pipeline_cli, field)

static const char *const kernels[] = { "sumsq", "checksum", NULL };
static const char *const modes[] = { "overlap", "serial", NULL };
static const char *const backends[] = { "auto", "uring", "threads", NULL }; /* enum ompk_backend */

static const struct ompk_opt rows[] = {
	OMPK_OPT_NUMBER("shards", OFF(c.shards), "S", "shards", 4, 1, UINT64_C(1) << 24),
	OMPK_OPT_NUMBER("shard-len", OFF(c.shard_len), "N",
			"u64 values per shard; bytes for checksum", 250000, 0, UINT64_C(1) << 40),
	OMPK_OPT_NUMBER("latency-ms", OFF(latency_ms), "L", "latency of each fetch", 50, 0,
			3600000),
	{ OMPK_OPT_ARG(OMPK_OPT_U64, "inflight", OFF(c.inflight), "K", "fetches in flight at most"),
	  .def_text = "all shards", .min = 1, .max = UINT64_C(1) << 24 },
	OMPK_OPT_PICK("kernel", OFF(kernel), "K", "sumsq or checksum", 0, kernels,
		      "a pipeline kernel"),
	{ OMPK_OPT_ARG(OMPK_OPT_STRING, "source", OFF(source), "SRC",
		       "synthetic, or a directory of shard files"),
	  .def_str = "synthetic", .accepted = "synthetic, or a directory of shard files" },
	OMPK_OPT_PICK("mode", OFF(mode), "M", "overlap or serial", 0, modes, "a mode"),
	{ OMPK_OPT_ARG(OMPK_OPT_CHOICE, "backend", OFF(c.backend), "B", "auto, uring or threads"),
	  .def_text = "auto: uring, threads if io_uring is off", .choices = backends,
	  .noun = "a backend" },
	{ OMPK_OPT_ARG(OMPK_OPT_U64, "read-block", OFF(read_block), "BYTES",
		       "bytes per read request"),
	  .def_text = "the whole shard", .min = 0, .max = UINT64_C(1) << 30 },
	{ OMPK_OPT_ARG(OMPK_OPT_STRING, "make-shards", OFF(make_dir), "DIR",
		       "write the shards' files into DIR and exit"),
	  .accepted = "a directory path" },
};

#define NROWS OMPK_COUNT(rows)
#define ROW_INFLIGHT 3

/* The driver's rows that mean something to the pipeline. */
#define DRIVER_ROWS                                                                        \
	(OMPK_DOPT(THREADS) | OMPK_DOPT(VARIANT) | OMPK_DOPT(REPEAT) | OMPK_DOPT(WARMUP) | \
	 OMPK_DOPT(FORMAT) | OMPK_DOPT(QUIET) | OMPK_DOPT(NO_VERIFY) | OMPK_DOPT(HELP) |   \
	 OMPK_DOPT(VERSION))

static void groups(struct ompk_pipeline_cli *p, struct ompk_opt_group g[2])
{
	g[0] = (struct ompk_opt_group){
		.title = "Pipeline options", .opts = rows, .n = NROWS, .base = p
	};
	g[1] = ompk_driver_group(&p->o, DRIVER_ROWS);
}

int ompk_pipeline_cli_parse(int argc, char **argv, struct ompk_pipeline_cli *p, char *msg,
			    size_t len)
{
	struct ompk_opt_group g[2];
	int err;

	memset(p, 0, sizeof(*p));
	groups(p, g);
	ompk_opts_defaults(g, 2);
	err = ompk_opts_parse(g, 2, argc, argv, msg, len);
	if (err || p->o.help || p->o.version)
		return err;
	p->c.kernel = ompk_kernel_find(kernels[p->kernel]);
	p->c.serial = p->mode == 1;
	p->c.dir = strcmp(p->source, "synthetic") ? p->source : NULL;
	p->c.read_block = (size_t)p->read_block;
	if (!(g[0].seen >> ROW_INFLIGHT & 1))
		p->c.inflight = p->c.shards;
	p->c.latency_ns = p->latency_ms * 1000000u;
	p->c.variant = p->o.variant;
	if (ompk_threads_check(p->o.threads, msg, len) < 0)
		return -EINVAL;
	if (ompk_simd_env_check(msg, len) < 0) {
		ompk_msg_sanitize(msg); /* the variable's value is echoed */
		return -EINVAL;
	}
	p->c.threads = p->o.threads ? p->o.threads : omp_get_max_threads();
	return ompk_loader_check(&p->c, msg, len);
}

void ompk_pipeline_help(FILE *f)
{
	struct ompk_pipeline_cli p;
	struct ompk_opt_group g[2];

	groups(&p, g);
	ompk_help(f, "pipeline",
		  "Fetch shards through io_uring (or a thread pool) and run a kernel on each shard "
		  "as it lands.",
		  g, 2,
		  "Shard file: DIR/shard-NNNNNN.bin = \"OMPKSHD1\", payload bytes (u64 LE), "
		  "payload\n(u64 LE values for sumsq, bytes for checksum).\n"
		  "Numbers: 50000, 50_000, 5e4, 2.5e6: exact whole numbers.\n"
		  "Environment: OMPK_SIMD=avx512vnni|avx512|avx2|scalar forces the fast variants' "
		  "SIMD "
		  "path.\n"
		  "Flags: --flag VALUE or --flag=VALUE; a flag given twice takes its last value.\n"
		  "Exit status: 0 verified, 1 runtime failure or result not verified, 2 usage "
		  "error.\n");
}
