/* A loopback TCP listener for the unit tests that script HTTP answers on a
 * thread of their own (test_client, test_ec2_batch, test_jsonrpc): each
 * keeps its own answering loop; the socket, the thread and the reading of
 * a request are these. */
#ifndef VPCFLOW_TESTS_LOOPBACK_H
#define VPCFLOW_TESTS_LOOPBACK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aws/buf.h"

struct loopback {
	int fd, port;
	pthread_t thread;
};

/* Listens on 127.0.0.1 at a free port and runs serve(arg) on a thread; serve
 * accepts on l->fd until loopback_stop's empty connection. */
static inline void loopback_start(struct loopback *l, void *(*serve)(void *), void *arg)
{
	struct sockaddr_in addr = {0};
	socklen_t len = sizeof(addr);

	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l->fd >= 0);
	assert_int_equal(bind(l->fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(l->fd, 4), 0);
	assert_int_equal(getsockname(l->fd, (struct sockaddr *)&addr, &len), 0);
	l->port = ntohs(addr.sin_port);
	assert_int_equal(pthread_create(&l->thread, NULL, serve, arg), 0);
}

/* Wakes the accept loop with an empty connection and waits for it to end. */
static inline void loopback_stop(struct loopback *l)
{
	struct sockaddr_in addr = {0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((uint16_t)l->port);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
	pthread_join(l->thread, NULL);
	close(l->fd);
}

/* Reads one request and returns its body (owned), or NULL when the peer is
 * gone. */
static inline char *loopback_read_request(int fd)
{
	struct buf in = BUF_INIT;
	char chunk[4096], *end, *cl;
	size_t want = 0, head;
	ssize_t n;

	while (!(end = strstr(in.data, "\r\n\r\n"))) {
		if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
			goto gone;
		buf_add(&in, chunk, (size_t)n);
	}
	head = (size_t)(end - in.data) + 4;
	for (cl = in.data; cl && cl < end; cl = strstr(cl, "\r\n"), cl = cl ? cl + 2 : NULL)
		if (strncasecmp(cl, "Content-Length:", 15) == 0)
			want = strtoul(cl + 15, NULL, 10);
	while (in.len < head + want) {
		if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
			goto gone;
		buf_add(&in, chunk, (size_t)n);
	}
	memmove(in.data, in.data + head, in.len - head + 1);
	return buf_detach(&in, NULL);
gone:
	buf_release(&in);
	return NULL;
}

#endif
