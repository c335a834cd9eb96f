/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * file.h - whole-file input, and output in sets: every file of a set is
 * written to a temporary beside its destination first, and renamed into
 * place only when all are complete (file.c says what a killed run leaves).
 */
#ifndef __BTFIDS_FILE_H
#define __BTFIDS_FILE_H

#include <stddef.h>

#include "log.h"

struct stat;

/* One file of an output set: written to TMP first, renamed to PATH. */
struct btfids_file_out {
	const char *path;
	const void *data;
	size_t size;
	int mode;		/* of a new file, before the umask */
	char *tmp;		/* set by btfids_out_prepare() */
};

/* @path opened read-only, which must be a regular file (no FIFO blocks). */
int btfids_open_regular(struct btfids_log *lg, const char *path, int *fdp, struct stat *st);
int btfids_read_file(struct btfids_log *lg, const char *path, void **data, size_t *size);
/* @out's bytes to a new temporary beside its destination (out->tmp). */
int btfids_out_prepare(struct btfids_log *lg, struct btfids_file_out *out);
/* The prepared temporary renamed over the destination. */
int btfids_out_commit(struct btfids_log *lg, struct btfids_file_out *out);
/* A temporary not committed, removed. */
void btfids_out_drop(struct btfids_file_out *out);
/* All of @outs or none: temporaries first, then the renames. */
int btfids_write_set(struct btfids_log *lg, struct btfids_file_out *outs, size_t nr);

#endif /* __BTFIDS_FILE_H */
