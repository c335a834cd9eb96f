// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file.c - whole-file input and atomic output. An output is written to a
 * temporary file beside its destination and renamed over it, so a reader
 * (or a build interrupted at any point) sees the old file or the new one,
 * never part of either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfids_internal.h"

/*
 * Open @path for reading, insisting on a regular file. O_NONBLOCK keeps a
 * FIFO from blocking the open; the type check then refuses it.
 */
int btfids_open_regular(const struct btfids_opts *opts, const char *path,
			int *fdp, struct stat *st)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		btfids_log(opts, BTFIDS_LOG_ERROR, "btfids: %s: cannot open: %s\n",
			   path, strerror(-err));
		return err;
	}
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		btfids_log(opts, BTFIDS_LOG_ERROR, "btfids: %s: not a regular file\n", path);
		return -EINVAL;
	}
	*fdp = fd;
	return 0;
}

int btfids_read_file(const struct btfids_opts *opts, const char *path,
		     void **data, size_t *size)
{
	struct stat st;
	size_t done = 0;
	char *buf;
	int fd, err;

	err = btfids_open_regular(opts, path, &fd, &st);
	if (err)
		return err;
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n <= 0) {
			err = n ? -errno : -EIO;
			close(fd);
			free(buf);
			btfids_log(opts, BTFIDS_LOG_ERROR, "btfids: %s: read failed: %s\n",
				   path, strerror(-err));
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
 * Write @size bytes to @path atomically. @mode is the permission of a new
 * file before the umask (an existing file's mode is taken over).
 */
int btfids_write_atomic(const struct btfids_opts *opts, const char *path,
			const void *data, size_t size, int mode)
{
	bool keep_mode = false;
	struct stat st;
	char *tmp;
	int fd, err;

	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return -ENOMEM;
	if (!stat(path, &st) && S_ISREG(st.st_mode)) {
		mode = st.st_mode & 07777;
		keep_mode = true;
	}

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST && !unlink(tmp))
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		err = -errno;
		btfids_log(opts, BTFIDS_LOG_ERROR, "btfids: %s: cannot create: %s\n",
			   tmp, strerror(-err));
		free(tmp);
		return err;
	}
	err = write_all(fd, data, size);
	if (!err && keep_mode && fchmod(fd, mode))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		btfids_log(opts, BTFIDS_LOG_ERROR, "btfids: %s: cannot write: %s\n",
			   path, strerror(-err));
		unlink(tmp);
	} else {
		btfids_log(opts, BTFIDS_LOG_DEBUG, "wrote %zu bytes to %s\n", size, path);
	}
	free(tmp);
	return err;
}
