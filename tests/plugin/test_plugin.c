// SPDX-License-Identifier: GPL-2.0
/*
 * test_plugin.c - plugins that pahole's loader and hook are tested with
 * (tests/plugin/run.sh, cli/ cases), one per -D:
 *   (none)          does nothing: pahole writes what it writes without one
 *   FAILS           post_encode() fails, saying so
 *   FINISH_FAILS    finish() fails: pahole must fail after writing
 *   NO_POST_ENCODE  no post_encode(): not a plugin
 *   OTHER_ABI       built for another plugin ABI: refused before any call
 *   OLDER           its structure ends before finish() (sz says so): pahole
 *                   must call post_encode() and not read finish
 *   NEWER           its structure has a field pahole does not know: accepted
 *   ADDS_TO_BASE    adds a type to the base, which it may only read: pahole
 *                   must fail the run
 * Every call is announced on stderr, so the test sees which happened.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "pahole_btf_plugin.h"
#ifdef ADDS_TO_BASE
#include <bpf/btf.h>
#endif

#ifdef OTHER_ABI
#define ABI	(PAHOLE_BTF_PLUGIN_ABI + 1)
#else
#define ABI	PAHOLE_BTF_PLUGIN_ABI
#endif

static __attribute__((unused)) int post_encode(struct pahole_btf_pass *pass, void **priv)
{
	*priv = NULL;
	fprintf(stderr, "test plugin: called for %s\n", pass->elf_path);
#ifdef ADDS_TO_BASE
	/* the const is the rule; this plugin breaks it on purpose */
	if (pass->base_btf && btf__add_int((struct btf *)pass->base_btf, "test_plugin_int", 4, 0) > 0)
		fprintf(stderr, "test plugin: added a type to the base\n");
#endif
#ifdef FAILS
	fprintf(stderr, "test plugin: failing on purpose\n");
	return -EINVAL;
#else
	return 0;
#endif
}

static int finish(void *priv, int err)
{
	fprintf(stderr, "test plugin: finish, err %d\n", err);
#ifdef FINISH_FAILS
	fprintf(stderr, "test plugin: finish failing on purpose\n");
	return -EIO;
#else
	return 0;
#endif
}

struct newer_plugin {
	struct pahole_btf_plugin plugin;
	void *field_of_the_future;
};

__attribute__((visibility("default")))
const struct newer_plugin pahole_btf_plugin = {
	.plugin = {
#if defined(OLDER)
		.sz		= offsetof(struct pahole_btf_plugin, finish),
#elif defined(NEWER)
		.sz		= sizeof(struct newer_plugin),
#else
		.sz		= sizeof(struct pahole_btf_plugin),
#endif
		.abi		= ABI,
		.name		= "test",
		.version	= "0",
#ifndef NO_POST_ENCODE
		.post_encode	= post_encode,
#endif
		.finish		= finish,
	},
	.field_of_the_future = (void *)1,
};
