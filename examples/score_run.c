#include "score_run.h"

int score_run_unit_root(const score_run *run, int unit)
{
    const fasc_classifier *cls = fasc_get_classifier(run->det);
    fasc_unit_info info;
    for (int steps = 0; unit > 0 && steps < FASC_CLASSIFIER_MAX_UNITS * 4 &&
                        fasc_classifier_unit(cls, unit, &info) == FASC_OK && info.merged_into > 0;
         steps++)
        unit = info.merged_into;
    return unit;
}

void score_run_unit_snippets(const score_run *run, int id, score_snippet_use use, void *user)
{
    for (size_t i = 0; i < run->snip_n; i++) {
        const score_snippets *s = &run->snips[i];
        if (score_run_unit_root(run, s->unit) != id)
            continue;
        for (int k = 0; k < s->count; k++)
            use(user, s->data + (size_t)k * run->snippet_length, run->snippet_length);
    }
}
