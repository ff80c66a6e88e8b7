/*
 * Tests of the queue between two real threads: order, the bounds, and
 * each side ending it.
 */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "test.h"
#include "tidings/queue.h"

#define ITEMS 20000

struct producer {
    struct queue *q;
    size_t weight; /* of each item */
    int put;       /* items put */
    int refused;   /* put returned -1 */
};

static void *
produce(void *arg)
{
    struct producer *p = arg;
    intptr_t i;

    for (i = 1; i <= ITEMS; i++) {
        if (queue_put(p->q, (void *)i, p->weight) < 0) {
            p->refused = 1;
            break;
        }
        p->put++;
    }
    queue_close(p->q);
    return NULL;
}

static void
queue_keeps_order(void)
{
    struct producer p = { NULL, 1, 0, 0 };
    pthread_t t;
    intptr_t want = 1;
    void *item;

    p.q = queue_new(7, 3);
    CHECK(pthread_create(&t, NULL, produce, &p) == 0);
    while ((item = queue_take(p.q)) != NULL) {
        CHECK_MSG((intptr_t)item == want, "got %ld, want %ld",
                  (long)(intptr_t)item, (long)want);
        want++;
    }
    pthread_join(t, NULL);
    CHECK_INT_EQ(want, ITEMS + 1);
    CHECK_INT_EQ(p.refused, 0);
    queue_free(p.q);
}

/* An item heavier than the byte bound passes alone. */
static void
heavy_items_pass_alone(void)
{
    struct producer p = { NULL, 100, 0, 0 };
    pthread_t t;
    int n = 0;

    p.q = queue_new(4, 10);
    CHECK(pthread_create(&t, NULL, produce, &p) == 0);
    while (queue_take(p.q) != NULL)
        n++;
    pthread_join(t, NULL);
    CHECK_INT_EQ(n, ITEMS);
    queue_free(p.q);
}

/* The producer waits while the queue is full: by the time it is stopped
 * it has put no more than the queue holds and the one item taken. */
static void
producer_waits_when_full(void)
{
    struct timespec pause = { 0, 50000000 };
    struct producer p = { NULL, 1, 0, 0 };
    pthread_t t;
    int n = 0;

    p.q = queue_new(5, 1000);
    CHECK(pthread_create(&t, NULL, produce, &p) == 0);
    nanosleep(&pause, NULL);
    CHECK(queue_take(p.q) != NULL);
    n++;
    nanosleep(&pause, NULL);
    /* stopping wakes it and refuses what it was putting */
    queue_stop(p.q);
    pthread_join(t, NULL);
    CHECK_MSG(p.put <= 6, "%d put into a queue of 5", p.put);
    CHECK_INT_EQ(p.refused, 1);
    while (queue_take(p.q) != NULL)
        n++;
    CHECK_INT_EQ(n, p.put);
    CHECK(queue_put(p.q, (void *)1, 1) < 0);
    queue_free(p.q);
}

struct taker {
    struct queue *q;
    void *item;
    pthread_mutex_t lock;
};

static void *
take_one(void *arg)
{
    struct taker *t = arg;
    void *item = queue_take(t->q);

    pthread_mutex_lock(&t->lock);
    t->item = item;
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

/* A consumer waiting on an empty queue gets the next item at once, not
 * only when the queue fills: import.c's readers put one file and then
 * wait for something else (their next file), not for room. */
static void
taker_gets_one_item(void)
{
    struct timespec pause = { 0, 10000000 };
    struct taker t = { NULL, NULL, PTHREAD_MUTEX_INITIALIZER };
    pthread_t th;
    void *got = NULL;
    int waited;

    t.q = queue_new(64, 1u << 20);
    CHECK(pthread_create(&th, NULL, take_one, &t) == 0);
    nanosleep(&pause, NULL); /* let it wait */
    CHECK(queue_put(t.q, (void *)7, 1) == 0);
    for (waited = 0; waited < 200 && got == NULL; waited++) {
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&t.lock);
        got = t.item;
        pthread_mutex_unlock(&t.lock);
    }
    CHECK_MSG(got == (void *)7, "no item after %d ms", waited * 10);
    queue_close(t.q); /* frees the taker if it still waits */
    pthread_join(th, NULL);
    queue_free(t.q);
}

const struct test tests_queue[] = {
    { "queue_keeps_order", queue_keeps_order },
    { "heavy_items_pass_alone", heavy_items_pass_alone },
    { "producer_waits_when_full", producer_waits_when_full },
    { "taker_gets_one_item", taker_gets_one_item },
    { NULL, NULL },
};
