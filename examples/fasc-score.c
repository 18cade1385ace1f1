/* fasc-score: score recordings for fasciculations, many files at once. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "score_file.h"
#include "score_options.h"
#include "score_outputs.h"
#include "text_file.h"

typedef struct batch {
    const score_options *opt;
    score_result *results;
    double *progress;        /* per file, 0..1 */
    int next;                /* next file to take */
    int done;
    bool show_progress;
    pthread_mutex_t lock;    /* the fields above and stderr */
} batch;

typedef struct worker_ctx {
    batch *b;
    int file;
} worker_ctx;

/* "[#####.....] 3/10 files": stderr of a terminal only, under the lock. */
static void draw_progress(const batch *b)
{
    double sum = 0.0;
    for (int i = 0; i < b->opt->file_count; i++)
        sum += b->progress[i];
    const double share = sum / b->opt->file_count;
    char bar[41];
    const int filled = (int)(share * 40.0);
    for (int i = 0; i < 40; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[40] = '\0';
    fprintf(stderr, "\r[%s] %d/%d files", bar, b->done, b->opt->file_count);
    fflush(stderr);
}

static void on_progress(void *user, double fraction)
{
    worker_ctx *w = user;
    if (!w->b->show_progress)
        return;
    pthread_mutex_lock(&w->b->lock);
    /* Redraw only when this file moved by a percent: nothing slows scoring. */
    if (fraction - w->b->progress[w->file] >= 0.01 || fraction >= 1.0) {
        w->b->progress[w->file] = fraction;
        draw_progress(w->b);
    }
    pthread_mutex_unlock(&w->b->lock);
}

static void on_note(void *user, const char *path, const char *note)
{
    worker_ctx *w = user;
    if (w->b->opt->quiet)
        return;
    pthread_mutex_lock(&w->b->lock);
    if (w->b->show_progress)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "fasc-score: %s: note: %s\n", path, note);
    pthread_mutex_unlock(&w->b->lock);
}

static void *worker(void *arg)
{
    batch *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        const int i = b->next < b->opt->file_count ? b->next++ : -1;
        pthread_mutex_unlock(&b->lock);
        if (i < 0)
            return NULL;
        worker_ctx w = {b, i};
        const score_hooks hooks = {on_progress, on_note, &w};
        if (!b->results[i].error[0]) /* else refused before the start */
            score_file(b->opt->files[i], b->opt, &hooks, &b->results[i]);
        pthread_mutex_lock(&b->lock);
        b->done++;
        b->progress[i] = 1.0;
        if (b->show_progress)
            fputs("\r\033[K", stderr);
        if (!b->results[i].ok)
            fprintf(stderr, "fasc-score: %s\n", b->results[i].error);
        if (b->show_progress)
            draw_progress(b);
        pthread_mutex_unlock(&b->lock);
    }
}

/* Replaces tabs and newlines so that a reason stays one table cell. */
static void put_cell(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static int write_table(const score_options *o, const score_result *res)
{
    text_file tf;
    if (text_file_open(&tf, o->table) != 0)
        return -1;
    fprintf(tf.f, "file\tstatus\tformat\tchannels\tduration_min\tscorable_min\tfasciculations\t"
                  "rate_per_min\tunits\tdoublets\tnoise_rms_uv\tmains_hz\theart_rate_bpm\tquality\n");
    for (int i = 0; i < o->file_count; i++) {
        const score_result *r = &res[i];
        put_cell(tf.f, o->files[i]);
        if (!r->ok) {
            fputs("\tfailed: ", tf.f);
            put_cell(tf.f, r->error);
            fputs("\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\n", tf.f);
            continue;
        }
        fprintf(tf.f, "\tok\t%s\t%d\t%.3f\t%.3f\t%llu\t%.3f\t%d\t%llu\t%.2f\t%.0f\t%.1f\t%s\n",
                r->format, r->channels, r->duration_min, r->scorable_min,
                (unsigned long long)r->fasciculations, r->rate_per_min, r->units,
                (unsigned long long)r->doublets, r->noise_rms_uv, r->mains_hz, r->heart_rate_bpm,
                r->grade);
    }
    return text_file_commit(&tf);
}

static int check_output_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        fprintf(stderr, "fasc-score: %s: %s (see --help)\n", dir, strerror(errno));
        return 2;
    }
    if (!S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "fasc-score: %s: not a writable folder (see --help)\n", dir);
        return 2;
    }
    return 0;
}

/* Two inputs whose outputs would have the same names (a/rec.wav and
 * b/rec.edf with -o, or one file given twice): the later one is refused. */
static void refuse_clashes(const score_options *o, score_result *results)
{
    char a[4096], b[4096];
    for (int i = 1; i < o->file_count; i++) {
        if (score_outputs_base(a, sizeof a, o->files[i], o->out_dir) != 0)
            continue;
        for (int j = 0; j < i; j++)
            if (!results[j].error[0] &&
                score_outputs_base(b, sizeof b, o->files[j], o->out_dir) == 0 && strcmp(a, b) == 0) {
                const int n = snprintf(results[i].error, sizeof results[i].error,
                                       "%s: its outputs %s.* would replace those of %s",
                                       o->files[i], a, o->files[j]);
                if (n < 0) /* an encoding error; a long message is merely cut */
                    snprintf(results[i].error, sizeof results[i].error, "%s: output name clash",
                             o->files[i]);
                break;
            }
    }
}

static int run_batch(const score_options *o, score_result *results, double *progress)
{
    batch b = {o, results, progress, 0, 0, isatty(STDERR_FILENO) == 1, PTHREAD_MUTEX_INITIALIZER};
    const int jobs = o->jobs < o->file_count ? o->jobs : o->file_count;
    pthread_t threads[256];
    int started = 0;
    for (; started < jobs - 1; started++)
        if (pthread_create(&threads[started], NULL, worker, &b) != 0)
            break;
    worker(&b); /* the main thread works too */
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (b.show_progress)
        fputs("\r\033[K", stderr);
    int failed = 0;
    for (int i = 0; i < o->file_count; i++)
        failed += !results[i].ok;
    return failed;
}

int main(int argc, char **argv)
{
    score_options o;
    int rc = score_options_parse(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if (o.out_dir && (rc = check_output_dir(o.out_dir)) != 0) {
        score_options_free(&o);
        return rc;
    }
    score_result *results = calloc((size_t)o.file_count, sizeof *results);
    double *progress = calloc((size_t)o.file_count, sizeof *progress);
    if (!results || !progress) {
        fprintf(stderr, "fasc-score: out of memory\n");
        rc = 1;
    } else {
        refuse_clashes(&o, results);
        rc = run_batch(&o, results, progress) ? 1 : 0;
        if (o.table && write_table(&o, results) != 0) {
            fprintf(stderr, "fasc-score: %s: cannot write the table: %s\n", o.table, strerror(errno));
            rc = 1;
        }
    }
    free(results);
    free(progress);
    score_options_free(&o);
    return rc;
}
