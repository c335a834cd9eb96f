// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * btfids - host command for libbtfids with the command line of Linux 7.2's
 * resolve_btfids, so that `make RESOLVE_BTFIDS=.../btfids` works unchanged,
 * and commands of its own (bpftool's layout: a table of verbs, do_<verb>):
 *
 *   btfids [-v] [--fatal_warnings] [--btf FILE] [-b|--btf_base FILE]
 *          [--distill_base] [--kernel MAJOR.MINOR] ELF
 *   btfids --patch_btfids FILE ELF
 *   btfids dump [--json] [--kernel R] [--btf FILE] [-b|--btf_base FILE] ELF
 *   btfids verify [--kernel R] [--btf FILE] [-b|--btf_base FILE] ELF...
 *   btfids help [VERB]; btfids VERB --help; btfids --version
 *
 * A first argument that is a verb is the command (an ELF of that name is
 * ./dump). It writes ELF.BTF, ELF.BTF_ids (when ELF has .BTF_ids) and
 * ELF.BTF.base (with --distill_base). Exit codes as resolve_btfids: 0
 * success, 255 failure, 129 usage. Linux 7.2 accepts --fatal_warnings but
 * its exit status never depends on it (the check comes after success is
 * decided), so kernels with CONFIG_WERROR build despite warnings; btfids
 * keeps that. The ELF is only read, except by --patch_btfids, which
 * replaces it atomically. Only the library's public headers are used.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "btfids.h"
#include "cmd.h"

/* Every option of every verb; a verb's table row says which it takes. */
enum {
	OPT_VERBOSE = 'v', OPT_BASE = 'b', OPT_HELP = 'h',
	OPT_BTF = 256, OPT_FATAL, OPT_DISTILL, OPT_PATCH, OPT_KERNEL, OPT_JSON, OPT_VERSION,
};

static const struct option all_options[] = {
	{ "verbose",		no_argument,		NULL, OPT_VERBOSE },
	{ "btf",		required_argument,	NULL, OPT_BTF },
	{ "btf_base",		required_argument,	NULL, OPT_BASE },
	{ "fatal_warnings",	no_argument,		NULL, OPT_FATAL },
	{ "distill_base",	no_argument,		NULL, OPT_DISTILL },
	{ "patch_btfids",	required_argument,	NULL, OPT_PATCH },
	{ "kernel",		required_argument,	NULL, OPT_KERNEL },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "help",		no_argument,		NULL, OPT_HELP },
};

static int do_resolve(struct cmd_args *a);
static int do_help(struct cmd_args *a);
static int do_version(struct cmd_args *a);

/* One command: what it runs, the options it takes, its help. */
struct verb {
	const char *name;		/* "resolve": resolve_btfids' command line, no verb */
	int (*run)(struct cmd_args *a);
	const char *const *longs;	/* long options it takes, by name */
	const char *shorts;		/* getopt's string */
	int min_files, max_files;	/* -1: any number */
	const char *usage;		/* synopsis and options, for help and errors */
};

static const char *const resolve_longs[] = {
	"verbose", "btf", "btf_base", "fatal_warnings", "distill_base", "patch_btfids",
	"kernel", "version", "help", NULL,
};
static const char *const dump_longs[] = { "json", "btf", "btf_base", "kernel", "help", NULL };
static const char *const verify_longs[] = { "btf", "btf_base", "kernel", "help", NULL };
static const char *const help_longs[] = { "help", NULL };

static const struct verb verbs[] = {
	{ "resolve", do_resolve, resolve_longs, "+vb:h", 1, 1,
	  "Usage: btfids [<options>] <ELF object>\n"
	  "   or: btfids --patch_btfids <.BTF_ids file> <ELF object>\n"
	  "   or: btfids {dump | verify | help} ...;  btfids --version\n"
	  "\n"
	  "Finish an object's BTF as Linux's resolve_btfids does: write <ELF>.BTF,\n"
	  "<ELF>.BTF_ids and, with --distill_base, <ELF>.BTF.base.\n"
	  "\n"
	  "    -v, --verbose         be more verbose (repeat for more)\n"
	  "    --btf <file>          input BTF (raw, or an ELF's .BTF); default: the ELF's own\n"
	  "    -b, --btf_base <file> base BTF of split BTF\n"
	  "    --fatal_warnings      accepted; as in Linux 7.2, warnings do not fail\n"
	  "    --distill_base        distill the base and write <ELF>.BTF.base\n"
	  "    --patch_btfids <file> put a resolved .BTF_ids blob into <ELF>\n"
	  "    --kernel <release>    finish for this Linux release (MAJOR.MINOR); default:\n"
	  "                          $BTFIDS_KERNEL, else the object's own (linux_banner,\n"
	  "                          .modinfo vermagic); implemented: %s\n"
	  "    --version             print the version and the releases implemented\n"
	  "    -h, --help            this help; btfids help <verb> for the others'\n" },
	{ "dump", do_dump, dump_longs, "+b:h", 1, 1,
	  "Usage: btfids dump [--json] [--kernel <release>] [--btf <file>] [-b|--btf_base <file>]\n"
	  "                   <ELF object>\n"
	  "\n"
	  "Print every .BTF_ids slot and set of <ELF>, and what its value names in the\n"
	  "BTF (the ELF's own .BTF, or --btf, split on --btf_base); before or after\n"
	  "resolution. Releases implemented: %s\n"
	  "\n"
	  "    --json                one JSON object instead of text\n" },
	{ "verify", do_verify, verify_longs, "+b:h", 1, -1,
	  "Usage: btfids verify [--kernel <release>] [--btf <file>] [-b|--btf_base <file>]\n"
	  "                     <ELF object>...\n"
	  "\n"
	  "Check finished objects against their release's rules (releases implemented:\n"
	  "%s); the base is read once for all. --btf takes one object only.\n"
	  "Exit 0: all hold, 1: problems, 255: unreadable (or a release not implemented).\n" },
	{ "help", do_help, help_longs, "+h", 0, 1,
	  "Usage: btfids help [resolve | dump | verify]\n" },
};

#define NR_VERBS	(sizeof(verbs) / sizeof(verbs[0]))

/* The verb named @name; "resolve" only if @resolve (it is never typed). */
static const struct verb *find_verb(const char *name, bool resolve)
{
	size_t i;

	for (i = resolve ? 0 : 1; i < NR_VERBS; i++) {
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	}
	return NULL;
}

static int print_usage(const struct verb *v, FILE *f)
{
	fprintf(f, v->usage, btfids__kernels());
	return f == stderr ? CMD_EXIT_USAGE : 0;
}

static bool takes(const struct verb *v, const char *name)
{
	const char *const *l;

	for (l = v->longs; *l; l++) {
		if (!strcmp(*l, name))
			return true;
	}
	return false;
}

/* One option into @a; false: not one the command knows. */
static bool set_option(struct cmd_args *a, int c)
{
	switch (c) {
	case OPT_VERBOSE:
		a->opts.verbose++;
		return true;
	case OPT_BTF:
		a->btf_path = optarg;
		return true;
	case OPT_BASE:
		a->base_path = optarg;
		return true;
	case OPT_FATAL:
		return true;	/* no effect in Linux 7.2 either */
	case OPT_DISTILL:
		a->opts.distill_base = true;
		return true;
	case OPT_PATCH:
		a->patch_path = optarg;
		return true;
	case OPT_KERNEL:
		a->opts.kernel = optarg;
		return true;
	case OPT_JSON:
		a->json = true;
		return true;
	case OPT_VERSION:
		a->version = true;
		return true;
	case OPT_HELP:
		a->help = true;
		return true;
	default:
		return false;
	}
}

/* @v's options and files from @argv into @a; -1: a usage error. */
static int parse_args(const struct verb *v, int argc, char **argv, struct cmd_args *a)
{
	struct option longopts[sizeof(all_options) / sizeof(all_options[0]) + 1] = {};
	size_t i, n = 0;
	int c, nr;

	for (i = 0; i < sizeof(all_options) / sizeof(all_options[0]); i++) {
		if (takes(v, all_options[i].name))
			longopts[n++] = all_options[i];
	}
	a->opts.sz = sizeof(a->opts);
	optind = 1;
	while ((c = getopt_long(argc, argv, v->shorts, longopts, NULL)) != -1) {
		if (!set_option(a, c))
			return -1;
	}
	if (a->help || a->version)
		return 0;
	a->files = argv + optind;
	a->nr_files = nr = argc - optind;
	if (nr < v->min_files || (v->max_files >= 0 && nr > v->max_files))
		return -1;
	return 0;
}

static int verbosity;

/* libbpf's own messages restate our errors: show them with -v only. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (verbosity < 1 || (level == LIBBPF_DEBUG && verbosity < 2))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int do_version(struct cmd_args *a)
{
	printf("btfids %s (libbpf %u.%u; Linux releases %s)\n", BTFIDS_VERSION,
	       libbpf_major_version(), libbpf_minor_version(), btfids__kernels());
	return 0;
}

static int do_help(struct cmd_args *a)
{
	const struct verb *v = a->nr_files ? find_verb(a->files[0], true) : &verbs[0];

	if (!v)
		return print_usage(&verbs[NR_VERBS - 1], stderr);
	return print_usage(v, stdout);
}

static int do_resolve(struct cmd_args *a)
{
	const char *elf = a->files[0];
	struct btfids *b;
	int err;

	verbosity = a->opts.verbose;
	if (a->patch_path)
		return btfids__patch_elf(elf, a->patch_path, &a->opts) ? CMD_EXIT_FAILED : 0;
	b = btfids__new(elf, &a->opts);
	if (!b) {
		btfids__error(&a->opts, elf, "out of memory");
		return CMD_EXIT_FAILED;
	}
	err = btfids__collect(b);
	if (!err)
		err = btfids__load_btf(b, a->btf_path, a->base_path);
	if (!err)
		err = btfids__run(b);
	if (!err)
		err = btfids__write(b, elf);
	btfids__free(b);
	return err ? CMD_EXIT_FAILED : 0;
}

int main(int argc, char **argv)
{
	const struct verb *v = argc > 1 ? find_verb(argv[1], false) : NULL;
	static char prog[32];
	struct cmd_args a = {};

	/* resolve_btfids' command line has no verb */
	if (v) {
		argc--;
		argv++;
		snprintf(prog, sizeof(prog), "btfids %s", v->name);
		argv[0] = prog;		/* what getopt's messages name */
	} else {
		v = &verbs[0];
	}
	libbpf_set_print(libbpf_print);
	if (parse_args(v, argc, argv, &a))
		return print_usage(v, stderr);
	if (a.version)
		return do_version(&a);
	if (a.help)
		return print_usage(v, stdout);
	return v->run(&a);
}
