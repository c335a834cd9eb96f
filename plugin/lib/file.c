// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file.c - whole-file input and all-or-nothing output.
 *
 * The outputs of one run are written as a set: every one to a temporary
 * file beside its destination first; only when all of them are complete
 * are they renamed into place. If any cannot be written, the temporaries
 * are removed and no destination changes. A reader (or a build interrupted
 * at any point) sees each file old or new, never part of one; a run killed
 * between two renames can leave some outputs new and others old, and one
 * killed before it cleans up leaves its DEST.tmp.PID files behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

/*
 * Open @path for reading, insisting on a regular file. O_NONBLOCK keeps a
 * FIFO from blocking the open; the type check then refuses it.
 */
int btfids_open_regular(struct btfids_log *lg, const char *path, int *fdp, struct stat *st)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		btfids_error(lg, path, "cannot open: %s", strerror(-err));
		return err;
	}
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		btfids_error(lg, path, "not a regular file");
		return -EINVAL;
	}
	*fdp = fd;
	return 0;
}

int btfids_read_file(struct btfids_log *lg, const char *path, void **data, size_t *size)
{
	struct stat st;
	size_t done = 0;
	char *buf;
	int fd, err;

	err = btfids_open_regular(lg, path, &fd, &st);
	if (err)
		return err;
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		close(fd);
		btfids_error(lg, path, "out of memory reading %lld bytes", (long long)st.st_size);
		return -ENOMEM;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n <= 0) {
			err = n ? -errno : -EIO;
			close(fd);
			free(buf);
			btfids_error(lg, path, "read failed: %s", strerror(-err));
			return err;
		}
		done += n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;
}

static int write_all(int fd, const void *data, size_t size)
{
	const char *p = data;

	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -EIO;
		p += n;
		size -= n;
	}
	return 0;
}

/*
 * The mode a new file gets: an existing destination's (its permission
 * bits), else @mode before the umask. *keep is set when an existing mode is
 * taken over (it must survive the umask, hence an explicit fchmod).
 */
static int output_mode(const char *path, int mode, bool *keep)
{
	struct stat st;

	*keep = !stat(path, &st) && S_ISREG(st.st_mode);
	return *keep ? (int)(st.st_mode & 07777) : mode;
}

int btfids_out_prepare(struct btfids_log *lg, struct btfids_file_out *out)
{
	bool keep;
	int fd, mode, err;

	out->tmp = NULL;
	if (asprintf(&out->tmp, "%s.tmp.%d", out->path, (int)getpid()) < 0) {
		out->tmp = NULL;
		btfids_error(lg, out->path, "out of memory");
		return -ENOMEM;
	}
	mode = output_mode(out->path, out->mode, &keep);
	fd = open(out->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST && !unlink(out->tmp))
		fd = open(out->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		err = -errno;
		btfids_error(lg, out->tmp, "cannot create: %s", strerror(-err));
		free(out->tmp);
		out->tmp = NULL;
		return err;
	}
	err = write_all(fd, out->data, out->size);
	if (!err && keep && fchmod(fd, mode))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err)
		btfids_error(lg, out->path, "cannot write: %s", strerror(-err));
	return err;
}

int btfids_out_commit(struct btfids_log *lg, struct btfids_file_out *out)
{
	int err;

	if (rename(out->tmp, out->path)) {
		err = -errno;
		btfids_error(lg, out->path, "cannot write: %s", strerror(-err));
		return err;
	}
	free(out->tmp);
	out->tmp = NULL;
	btfids_log(lg->opts, BTFIDS_LOG_DEBUG, "wrote %zu bytes to %s\n", out->size, out->path);
	return 0;
}

void btfids_out_drop(struct btfids_file_out *out)
{
	if (out->tmp)
		unlink(out->tmp);
	free(out->tmp);
	out->tmp = NULL;
}

int btfids_write_set(struct btfids_log *lg, struct btfids_file_out *outs, size_t nr)
{
	size_t i;
	int err = 0;

	for (i = 0; i < nr; i++)
		outs[i].tmp = NULL;
	for (i = 0; !err && i < nr; i++)
		err = btfids_out_prepare(lg, &outs[i]);
	for (i = 0; !err && i < nr; i++)
		err = btfids_out_commit(lg, &outs[i]);
	for (i = 0; i < nr; i++)
		btfids_out_drop(&outs[i]);
	return err;
}
