package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/listing"
)

// GenerateOptions controls a synthetic market for benchmarks.
type GenerateOptions struct {
	Listings int    // how many published listings to add
	Batch    int    // listings per transaction (default 1000)
	Seed     uint64 // random seed (default DefaultSeed+1)
	// SampleEvery keeps every n-th new id in the result (default 10), for load
	// generators that need existing ids.
	SampleEvery int
	// Progress, when set, is called after every batch.
	Progress func(done, total int)
}

// GenerateResult says what Generate added.
type GenerateResult struct {
	Created   int
	SampleIDs []string
}

// Generate adds published listings to a database that already holds the demo
// organisations (Seed): achievements from the corpus texts and needs from the
// templates, owned by the demo organisations, published over the past ten months.
// It writes through listing.BulkInsertPublished, in batches, so 100,000 listings
// take minutes rather than the hours the one-by-one lifecycle would.
func Generate(ctx context.Context, a *app.App, opts GenerateOptions) (GenerateResult, error) {
	const op = "demo.Generate"
	if opts.Listings < 1 {
		return GenerateResult{}, apperr.Fields(op, apperr.Field("listings", "out_of_range", "generate at least one listing", "至少生成一条"))
	}
	if opts.Batch < 1 {
		opts.Batch = 1000
	}
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed + 1
	}
	if opts.SampleEvery < 1 {
		opts.SampleEvery = 10
	}
	texts, err := loadCorpus()
	if err != nil {
		return GenerateResult{}, fmt.Errorf("%s: %w", op, err)
	}
	b := newBuilder(opts.Seed, time.Now())
	authors, err := demoAuthors(ctx, a, b)
	if err != nil {
		return GenerateResult{}, fmt.Errorf("%s: %w", op, err)
	}

	var res GenerateResult
	batch := make([]listing.Listing, 0, opts.Batch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := listing.BulkInsertPublished(ctx, a.DB, batch); err != nil {
			return err
		}
		for i, l := range batch {
			if (res.Created+i)%opts.SampleEvery == 0 {
				res.SampleIDs = append(res.SampleIDs, l.ID)
			}
		}
		res.Created += len(batch)
		batch = batch[:0]
		if opts.Progress != nil {
			opts.Progress(res.Created, opts.Listings)
		}
		return nil
	}
	for i := 0; i < opts.Listings; i++ {
		l := b.syntheticListing(texts, authors)
		batch = append(batch, l)
		if len(batch) == opts.Batch {
			if err := flush(); err != nil {
				return res, fmt.Errorf("%s: %w", op, err)
			}
		}
	}
	if err := flush(); err != nil {
		return res, fmt.Errorf("%s: %w", op, err)
	}
	return res, nil
}

// author is a demo organisation present in the database with its first member.
type author struct {
	org    orgSpec
	userID string
}

// demoAuthors finds the demo organisations in the database (by Chinese name)
// that can own listings, with a member to attribute the listings to.
func demoAuthors(ctx context.Context, a *app.App, b *builder) (map[string]author, error) {
	orgs, err := a.Identity.ListOrgs(ctx, "")
	if err != nil {
		return nil, err
	}
	byName := map[string]orgSpec{}
	for _, o := range demoOrgs {
		byName[o.nameZh] = o
	}
	out := map[string]author{}
	for _, o := range orgs {
		spec, ok := byName[o.NameZh]
		if !ok || spec.fields == "" {
			continue
		}
		members, err := a.Identity.MembersWithRole(ctx, o.ID, "")
		if err != nil {
			return nil, err
		}
		if len(members) == 0 {
			continue
		}
		b.orgIDs[spec.key] = o.ID
		out[spec.key] = author{org: spec, userID: members[0]}
	}
	if len(out) == 0 {
		return nil, apperr.E("demo.Generate", apperr.Invalid, "the demo organisations are missing; seed the demo market first (techmarket demo seed)")
	}
	return out, nil
}

// syntheticListing draws one published listing: two achievements for every need.
func (b *builder) syntheticListing(texts []source, authors map[string]author) listing.Listing {
	var in listing.Input
	var owner orgSpec
	if b.rng.IntN(3) < 2 {
		src := texts[b.rng.IntN(len(texts))]
		owner = b.present(b.sellerFor(src.class.Field), authors)
		lang := langZh
		if src.bilingual() {
			lang = weighted(b, []string{langBoth, langEn, langZh}, []int{7, 2, 1})
		}
		in = b.achievement(src, owner, lang)
	} else {
		t := needTemplates[b.rng.IntN(len(needTemplates))]
		owner = b.present(b.buyerFor(t.field), authors)
		in = b.need(t, owner, weighted(b, []string{langBoth, langZh, langEn}, []int{6, 3, 1}))
	}
	// Nothing expires within 30 days, so the expiry job that serve runs at start
	// has no reminders to send while a benchmark is measuring.
	maxDays := min(in.ValidityMonths*30-35, 300)
	published := b.now.Add(-time.Duration(b.between(1, maxDays*24)) * time.Hour)
	created := published.Add(-time.Duration(b.between(4, 120)) * time.Hour)
	return listing.Listing{
		OwnerOrgID:  b.orgIDs[owner.key],
		CreatedBy:   authors[owner.key].userID,
		Input:       in,
		SubmittedAt: &created,
		PublishedAt: &published,
		CreatedAt:   created,
	}
}

// present returns o if it is in the database, else any organisation that is.
func (b *builder) present(o orgSpec, authors map[string]author) orgSpec {
	if _, ok := authors[o.key]; ok {
		return o
	}
	for _, spec := range demoOrgs { // fixed order keeps the choice deterministic
		if _, ok := authors[spec.key]; ok {
			return spec
		}
	}
	return o
}
