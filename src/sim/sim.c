/* sim: `usnf sim` — a setup file and a capture in, emitted frames, a log and dumps out. */
#include "sim/sim.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <usnf/net.h>

#include "ct/ct.h"
#include "nat/nat.h"

static const char sim_usage[] =
	"usage: usnf sim -f SETUP [-i IN.pcapng] [-o OUT.pcapng] [--log LOG.jsonl]\n"
	"                [--dump DIR] [--iface NAME]... [--trace]\n"
	"                [--nflog GROUP=FILE.pcapng]... [--queue-verdict [N=]accept|drop|repeat[:MARK]]...\n";

static int sim_parse_args(struct sim_opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "log", required_argument, NULL, 'l' },
		{ "dump", required_argument, NULL, 'd' },
		{ "iface", required_argument, NULL, 'I' },
		{ "trace", no_argument, NULL, 't' },
		{ "nflog", required_argument, NULL, 'N' },
		{ "queue-verdict", required_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+f:i:o:th", lopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->setup = optarg; break;
		case 'i': o->in = optarg; break;
		case 'o': o->out = optarg; break;
		case 'l': o->log = optarg; break;
		case 'd': o->dump = optarg; break;
		case 't': o->trace = true; break;
		case 'I': o->ifaces[o->n_ifaces++] = optarg; break;
		case 'N':
			if (sim_nfnl_parse_nflog(o, optarg)) {
				fprintf(stderr, "usnf sim: --nflog %s: expected GROUP=FILE, GROUP 0-65535 "
					"given once\n", optarg);
				return -EINVAL;
			}
			break;
		case 'Q':
			if (sim_nfnl_parse_qverdict(o, optarg)) {
				fprintf(stderr, "usnf sim: --queue-verdict %s: expected [N=]accept|drop|"
					"repeat[:MARK], each queue (or the default) given once\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h': fputs(sim_usage, stdout); return 1;
		default: fputs(sim_usage, stderr); return -EINVAL;
		}
	}
	if (optind < argc || !o->setup) {
		fprintf(stderr, "usnf sim: %s\n%s", optind < argc ? "unexpected argument" :
			"-f SETUP is required", sim_usage);
		return -EINVAL;
	}
	return 0;
}

static int read_text(const char *path, char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		sb_addn(&sb, chunk, n);
	sb_addn(&sb, "", 0);
	fclose(fp);
	if (sb.oom) {
		sb_release(&sb);
		return -ENOMEM;
	}
	*out = sb.s;
	*len = sb.len;
	return 0;
}

/* Read and parse SETUP; every syntax error is reported before anything runs. */
static int sim_load_setup(struct sim *s)
{
	struct strbuf err = STRBUF_INIT;
	int rc = read_text(s->o.setup, &s->setup_text, &s->setup_len);

	if (rc) {
		fprintf(stderr, "%s: %s\n", s->o.setup, strerror(-rc));
		return rc;
	}
	const char *slash = strrchr(s->o.setup, '/');
	s->setup_dir = slash ? strndup(s->o.setup, (size_t)(slash - s->o.setup) + 1) : NULL;
	rc = script_parse(s->setup_text, s->setup_len, &s->script, &err);
	if (rc)
		fprintf(stderr, "%s:%s\n", s->o.setup, sb_str(&err));
	sb_release(&err);
	return rc;
}

static int sim_load_input(struct sim *s)
{
	struct strbuf err = STRBUF_INIT;
	int rc;

	if (!s->o.in)
		return 0;
	rc = pcapng_read(s->o.in, &s->in, &err);
	if (rc)
		fprintf(stderr, "usnf sim: %s\n", sb_str(&err));
	for (unsigned int i = 0; !rc && i < s->in.n_ifaces; i++) {
		if (s->in.ifaces[i].linktype != PCAPNG_LINKTYPE_ETHERNET) {
			fprintf(stderr, "usnf sim: %s: interface %s has link type %u, not Ethernet (1)\n",
				s->o.in, s->in.ifaces[i].name, s->in.ifaces[i].linktype);
			rc = -EINVAL;
		}
	}
	sb_release(&err);
	return rc;
}

static FILE *open_out(const char *dir, const char *name, const char *what)
{
	struct strbuf p = STRBUF_INIT;
	FILE *fp;

	if (dir)
		sb_addf(&p, "%s/", dir);
	sb_add(&p, name);
	fp = fopen(sb_str(&p), "w");
	if (!fp)
		fprintf(stderr, "usnf sim: %s %s: %s\n", what, sb_str(&p), strerror(errno));
	sb_release(&p);
	return fp;
}

static int sim_open_outputs(struct sim *s)
{
	if (s->o.log && !(s->log = open_out(NULL, s->o.log, "log")))
		return -EIO;
	if (s->o.dump) {
		mkdir(s->o.dump, 0777);         /* may exist already */
		if (!(s->kern = open_out(s->o.dump, "kern.log", "dump")))
			return -EIO;
	}
	return 0;
}

/* conntrack -E: one line per event message while the frames are fed. */
static void sim_ct_event(void *ctx, const struct usnf_net *net, const struct ct_conn *c,
			 uint32_t events)
{
	struct sim *s = ctx;
	struct strbuf line = STRBUF_INIT;

	ct_event_format(net, c, events, &line);
	fputs(sb_str(&line), s->ctev);
	sb_release(&line);
}

/* DIR/conntrack-events.txt records the events of the input frames (not of setup). */
static int sim_ct_events_open(struct sim *s)
{
	if (!s->o.dump)
		return 0;
	if (!(s->ctev = open_out(s->o.dump, "conntrack-events.txt", "dump")))
		return -EIO;
	return ct_event_listen(s->net, sim_ct_event, s);
}

static void sim_ct_events_close(struct sim *s)
{
	if (!s->ctev)
		return;
	ct_event_listen(s->net, NULL, NULL);
	fclose(s->ctev);
	s->ctev = NULL;
}

/* Feed every input frame in file order on its interface, the clock at its timestamp. */
static void sim_feed(struct sim *s)
{
	s->running = true;
	if (s->in.n_frames)
		s->t0_ns = s->in.frames[0].ts_ns;
	for (unsigned int i = 0; i < s->in.n_frames; i++) {
		const struct pcapng_frame *fr = &s->in.frames[i];
		const char *ifname = s->in.ifaces[fr->iface].name;
		int ifindex = usnf_iface_find(s->net, ifname);

		s->frame_no = i + 1;
		s->ts_ns = fr->ts_ns;
		sim_frame_begin(s, fr, ifname);
		usnf_net_set_clock(s->net, fr->ts_ns);
		int fate = ifindex > 0 ? usnf_net_rx(s->net, ifindex, fr->data, fr->len) : -ENODEV;
		sim_frame_end(s, fate, ifname);
	}
	s->running = false;
}

/* OUT.pcapng: one IDB per interface (ifindex order, lo left out), frames in emission order. */
static int sim_write_output(struct sim *s)
{
	struct pcapng_writer w;
	struct strbuf err = STRBUF_INIT;
	int max = 0, *idb;
	int rc;

	for (unsigned int i = 0; i < s->n_txrec; i++)
		max = s->tx[i].ifindex > max ? s->tx[i].ifindex : max;
	for (int i = 1; i < max + 64; i++)
		if (usnf_iface_name(s->net, i))
			max = i > max ? i : max;
	idb = calloc((size_t)max + 1, sizeof(*idb));
	if (!idb)
		return -ENOMEM;
	pcapng_writer_init(&w);
	for (int i = 1; i <= max; i++) {
		const char *n = usnf_iface_name(s->net, i);
		if (n && i != s->lo_ifindex)
			idb[i] = (int)pcapng_writer_add_iface(&w, n);
		else if (n || s->n_txrec)
			idb[i] = -1;
	}
	for (unsigned int i = 0; i < s->n_txrec; i++) {
		const struct sim_txrec *t = &s->tx[i];
		if (idb[t->ifindex] >= 0)
			pcapng_writer_add_frame(&w, (unsigned int)idb[t->ifindex], t->ts_ns,
						(const uint8_t *)s->txdata.s + t->off, t->len);
	}
	rc = s->txdata.oom ? -ENOMEM : pcapng_writer_save(&w, s->o.out, &err);
	if (rc)
		fprintf(stderr, "usnf sim: %s\n", err.len ? sb_str(&err) : "out of memory");
	pcapng_writer_release(&w);
	sb_release(&err);
	free(idb);
	return rc;
}

/*
 * iptables-save.txt: `iptables-save -c` then `ip6tables-save -c` without the date
 * lines, joined as kernel-run joins them (every line ends in '\n'; no table at all
 * gives one empty line).
 */
static void sim_dump_rules(struct sim *s, FILE *fp)
{
	static const char *const tools[] = { "iptables-save", "ip6tables-save" };
	struct strbuf all = STRBUF_INIT;

	for (int t = 0; t < 2; t++) {
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		char *argv[] = { (char *)tools[t], "-c", NULL };
		int rc = sim_cli(s->net, argv, NULL, 0, &out, &err);
		const char *p = sb_str(&out);

		if (rc)
			fprintf(stderr, "usnf sim: %s -c failed: %s", tools[t], sb_str(&err));
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);

			if (strncmp(p, "# Generated by", 14) && strncmp(p, "# Completed on", 14)) {
				sb_addn(&all, p, n);
				sb_addc(&all, '\n');
			}
			p += n + (nl ? 1 : 0);
		}
		sb_release(&out);
		sb_release(&err);
	}
	fputs(all.len ? sb_str(&all) : "\n", fp);
	sb_release(&all);
}

/* The sort key of a conntrack line: its fields without the 5th (seconds left), as the oracle. */
static void ct_line_key(const char *line, char *key, size_t len)
{
	char buf[1024], *tok, *save = NULL;
	size_t n = 0;
	int i = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	key[0] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		if (i == 4)
			continue;
		n += (size_t)snprintf(key + n, n < len ? len - n : 0, "%s%s", n ? " " : "", tok);
	}
}

static int ct_line_cmp(const void *a, const void *b)
{
	char ka[1024], kb[1024];

	ct_line_key(*(char *const *)a, ka, sizeof(ka));
	ct_line_key(*(char *const *)b, kb, sizeof(kb));
	return strcmp(ka, kb);
}

/*
 * conntrack.txt: `conntrack -L -f FAMILY -o extended`, lines sorted ignoring the
 * seconds-left field, under the header comment kernel-run writes.
 */
static void sim_dump_conntrack(struct sim *s, FILE *fp, const char *family)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *argv[] = { "conntrack", "-L", "-f", (char *)family, "-o", "extended", NULL };
	char **lines = NULL, *text, *p, *save = NULL;
	size_t n = 0, cap = 0;

	sim_cli(s->net, argv, NULL, 0, &out, &err);
	text = strdup(sb_str(&out));
	for (p = text ? strtok_r(text, "\n", &save) : NULL; p; p = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			char **nl = realloc(lines, (cap = cap ? cap * 2 : 64) * sizeof(*lines));

			if (!nl)
				break;
			lines = nl;
		}
		lines[n++] = p;
	}
	if (n)
		qsort(lines, n, sizeof(*lines), ct_line_cmp);
	fprintf(fp, "# conntrack -L -f %s -o extended (%zu entries, sorted)\n", family, n);
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s\n", lines[i]);
	free(lines);
	free(text);
	sb_release(&out);
	sb_release(&err);
}

/* conntrack-stats.txt: `conntrack -S` after the run. */
static int sim_dump_ct_stats(struct sim *s)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *argv[] = { "conntrack", "-S", NULL };
	FILE *fp = open_out(s->o.dump, "conntrack-stats.txt", "dump");

	if (!fp)
		return -EIO;
	sim_cli(s->net, argv, NULL, 0, &out, &err);
	fputs(sb_str(&out), fp);
	fclose(fp);
	sb_release(&out);
	sb_release(&err);
	return 0;
}

/* nat-stats.txt: the NAT port pools (`nat stats`). */
static int sim_dump_nat(struct sim *s)
{
	struct strbuf out = STRBUF_INIT;
	FILE *fp = open_out(s->o.dump, "nat-stats.txt", "dump");

	if (!fp)
		return -EIO;
	nat_stats_format(s->net, &out);
	fputs(sb_str(&out), fp);
	sb_release(&out);
	fclose(fp);
	return 0;
}

static int sim_dump(struct sim *s)
{
	FILE *fp = open_out(s->o.dump, "iptables-save.txt", "dump");

	if (!fp)
		return -EIO;
	sim_dump_rules(s, fp);
	fclose(fp);
	fp = open_out(s->o.dump, "conntrack.txt", "dump");
	if (!fp)
		return -EIO;
	sim_dump_conntrack(s, fp, "ipv4");
	sim_dump_conntrack(s, fp, "ipv6");
	fclose(fp);
	if (sim_dump_ct_stats(s))
		return -EIO;
	return sim_dump_nat(s);
}

static void sim_release(struct sim *s)
{
	sim_ct_events_close(s);         /* before the net it listens to goes */
	usnf_net_destroy(s->net);
	sim_nfnl_release(s);
	script_free(&s->script);
	pcapng_file_free(&s->in);
	free(s->setup_text);
	free(s->setup_dir);
	if (s->log)
		fclose(s->log);
	if (s->kern)
		fclose(s->kern);
	sb_release(&s->ev);
	sb_release(&s->text);
	sb_release(&s->txdata);
	free(s->tx);
}

/* The contract of DESIGN.md "Simulator contract"; exit 2 on any error. */
static int sim_run(struct sim *s)
{
	if (sim_load_setup(s) || sim_load_input(s) || sim_open_outputs(s))
		return 2;
	if (sim_env_create(s))
		return 2;
	sim_trace_attach(s);
	if (sim_nfnl_attach(s)) {
		fprintf(stderr, "usnf sim: cannot listen on the NFLOG groups / queues\n");
		return 2;
	}
	if (sim_setup_run(s) || sim_counters_zero(s) || sim_ct_events_open(s))
		return 2;
	sim_feed(s);
	sim_ct_events_close(s);
	if (s->o.out && sim_write_output(s))
		return 2;
	if (sim_nfnl_write(s))
		return 2;
	if (s->o.dump && sim_dump(s))
		return 2;
	return 0;
}

int sim_main(int argc, char **argv)
{
	struct sim s = { .ev = STRBUF_INIT, .text = STRBUF_INIT, .txdata = STRBUF_INIT };
	const char **ifaces = calloc((size_t)argc + 1, sizeof(*ifaces));
	struct sim_nflog *nflog = calloc((size_t)argc + 1, sizeof(*nflog));
	struct sim_qverdict *qverdict = calloc((size_t)argc + 1, sizeof(*qverdict));
	int rc = 2;

	if (!ifaces || !nflog || !qverdict)
		goto out;
	s.o.ifaces = ifaces;
	s.o.nflog = nflog;
	s.o.qverdict = qverdict;
	rc = sim_parse_args(&s.o, argc, argv);
	if (rc) {
		rc = rc > 0 ? 0 : 2;
		goto out;
	}
	s.lo_ifindex = -1;
	rc = sim_run(&s);
	fflush(stdout);
	sim_release(&s);
out:
	free(ifaces);
	free(nflog);
	free(qverdict);
	return rc;
}

/* stdin for iptables-restore and friends in one-shot mode (not a terminal). */
static char *read_stdin(size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	size_t n;

	*len = 0;
	if (isatty(STDIN_FILENO))
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		sb_addn(&sb, chunk, n);
	*len = sb.len;
	return sb.s;
}

int sim_oneshot(int argc, char **argv)
{
	struct usnf_net *net = NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	size_t in_len = 0;
	char *in = strstr(argv[0], "restore") ? read_stdin(&in_len) : NULL;
	int rc = usnf_net_create(&net);

	(void)argc;
	if (rc) {
		fprintf(stderr, "usnf: cannot create the instance: %s\n", strerror(-rc));
		free(in);
		return 2;
	}
	rc = sim_cli(net, argv, in, in_len, &out, &err);
	fputs(sb_str(&out), stdout);
	fputs(sb_str(&err), stderr);
	if (rc == -ENOENT)
		fprintf(stderr, "usnf: unknown command '%s'\n", argv[0]);
	sb_release(&out);
	sb_release(&err);
	usnf_net_destroy(net);
	free(in);
	return rc < 0 ? 2 : rc;
}
