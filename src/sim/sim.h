/* sim: the `usnf sim` driver and the one-shot commands of the `usnf` program. */
#ifndef USNF_SIM_SIM_H
#define USNF_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/script.h"
#include "io/pcapng.h"
#include "util/strbuf.h"

struct usnf_net;

/* `usnf sim ...` (argv[0] is "sim").  Returns the process exit status. */
int sim_main(int argc, char **argv);
/* `usnf iptables ...` and the other tools on a fresh instance.  Exit status. */
int sim_oneshot(int argc, char **argv);

/* --nflog GROUP=FILE: a group's packets into a pcapng file (LINKTYPE_NFLOG). */
struct sim_nflog {
	uint16_t group;
	const char *path;
	struct pcapng_writer w;
	unsigned int n;                 /* records */
};

/* --queue-verdict [N=]VERDICT[:MARK]: what the queue handler answers. */
struct sim_qverdict {
	int queue;                      /* -1: every queue without its own */
	int verdict;                    /* USNF_ACCEPT, USNF_DROP, USNF_REPEAT */
	bool set_mark;                  /* NFQA_MARK with the verdict */
	uint32_t mark;
};

/* Command-line options of `usnf sim`. */
struct sim_opts {
	const char *setup;
	const char *in;
	const char *out;
	const char *log;
	const char *dump;
	const char **ifaces;    /* --iface, n_ifaces of them */
	int n_ifaces;
	bool trace;
	struct sim_nflog *nflog;        /* --nflog, n_nflog of them */
	int n_nflog;
	struct sim_qverdict *qverdict;  /* --queue-verdict, n_qverdict of them */
	int n_qverdict;
};

/* One emitted frame, kept until OUT.pcapng is written (interfaces may appear late). */
struct sim_txrec {
	int ifindex;
	uint64_t ts_ns;
	size_t off;             /* in sim.txdata */
	uint32_t len;
};

/* A simulation run. */
struct sim {
	struct sim_opts o;
	struct usnf_net *net;
	struct script script;
	char *setup_text;               /* the setup file's contents */
	size_t setup_len;
	char *setup_dir;                /* for `< FILE` */
	struct pcapng_file in;
	FILE *log;                      /* LOG.jsonl or NULL */
	FILE *kern;                     /* DIR/kern.log or NULL */
	FILE *ctev;                     /* DIR/conntrack-events.txt while frames are fed */

	bool running;                   /* frames are being fed (not setup) */
	unsigned int frame_no;          /* 1-based number of the current input frame */
	uint64_t ts_ns;                 /* its timestamp */
	uint64_t t0_ns;                 /* the first frame's, for relative times */
	int lo_ifindex;

	/* per frame: JSON events, --trace text, the last drop reason seen */
	struct strbuf ev;
	struct strbuf text;
	unsigned int n_events;
	unsigned int n_tx;
	int drop_reason;                /* -1: none */

	struct sim_txrec *tx;
	unsigned int n_txrec, cap_txrec;
	struct strbuf txdata;

	uint8_t *nflog_rec;             /* one LINKTYPE_NFLOG record being encoded */
};

/* sim/sim_setup.c: the environment and the setup file. */
int sim_env_create(struct sim *s);
int sim_setup_run(struct sim *s);
int sim_counters_zero(struct sim *s);
/* Run one command (argv) with stdin input; output/errors into out/err.  Exit status
 * of the tool, or -ENOENT for an unknown command. */
int sim_cli(struct usnf_net *net, char **argv, const char *input, size_t input_len,
	    struct strbuf *out, struct strbuf *err);

/* sim/sim_trace.c: per-frame records (LOG.jsonl, --trace). */
void sim_trace_attach(struct sim *s);
void sim_frame_begin(struct sim *s, const struct pcapng_frame *fr, const char *ifname);
void sim_frame_end(struct sim *s, int fate, const char *ifname);
void sim_json_str(struct strbuf *sb, const char *s);
/* A JSON event of the current frame, its fields already formatted (",\"k\":v..."),
 * and its --trace line. */
void sim_event(struct sim *s, const char *kind, const char *fields, const char *text);
const char *sim_verdict_name(int v);

/* sim/sim_nfnl.c: --nflog captures and the --queue-verdict handler. */
int sim_nfnl_parse_nflog(struct sim_opts *o, const char *arg);
int sim_nfnl_parse_qverdict(struct sim_opts *o, const char *arg);
int sim_nfnl_attach(struct sim *s);
int sim_nfnl_write(struct sim *s);
void sim_nfnl_release(struct sim *s);

#endif
