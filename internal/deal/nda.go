package deal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// ndaV1 is the platform's first NDA text. A changed text is a new version;
// acceptances record the version and the hash of the text accepted.
var ndaV1 = NDA{
	Version: 1,
	Title:   domain.Label{Zh: "技术交易保密协议", En: "Technology deal non-disclosure agreement"},
	Body: domain.Label{
		Zh: `一、保密信息：指披露方在本交易室中向接收方提供的、标注为保密或按其性质应当保密的全部技术信息与经营信息，包括但不限于成果详细说明、技术秘密、数据室文件及报价条款。
二、使用限制：接收方仅为评估和洽谈本项交易而使用保密信息，不得用于其他目的，不得向第三方披露，但为本交易提供服务且负有同等保密义务的员工、顾问和技术经理人除外。
三、除外情形：已经公开的信息、接收方在披露前已合法掌握的信息、从无保密义务的第三方合法取得的信息，以及依法必须披露的信息，不属于保密信息。
四、不授予权利：本协议不授予接收方任何专利、技术秘密或其他知识产权的许可或权利。
五、期限：保密义务自接受之日起持续三年；对技术秘密，持续至该信息进入公有领域为止。
六、返还与销毁：交易终止后，经披露方要求，接收方应返还或销毁保密信息。
七、违约责任与争议解决：违反本协议的，应赔偿披露方因此遭受的损失；争议由交易所在地有管辖权的人民法院管辖。`,
		En: `1. Confidential information: all technical and business information the disclosing party provides in this deal room that is marked confidential or confidential by its nature, including the detailed description, technology secrets, data-room files and offer terms.
2. Use: the receiving party uses it only to evaluate and negotiate this deal and discloses it to no third party, except employees, advisers and technology managers serving this deal under equal duties of confidence.
3. Exclusions: information that is public, that the receiving party lawfully held before disclosure, that it lawfully obtained from a third party without a duty of confidence, or that the law requires it to disclose.
4. No rights granted: this agreement grants no licence or right to any patent, technology secret or other intellectual property.
5. Term: three years from acceptance; for technology secrets, until the information becomes public.
6. Return: when the deal ends, the receiving party returns or destroys the information on request.
7. Liability and disputes: a party in breach compensates the loss caused; the people's court with jurisdiction where the deal is made hears disputes.`,
	},
}

func (n NDA) hash() string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("v%d\n%s\n%s\n%s\n%s", n.Version, n.Title.Zh, n.Title.En, n.Body.Zh, n.Body.En)))
	return hex.EncodeToString(sum[:])
}

// ensureNDA stores the built-in NDA text when no version exists yet.
func ensureNDA(ctx context.Context, q store.Querier, now time.Time) error {
	n := ndaV1
	_, err := q.Exec(ctx, `INSERT INTO deal_nda_texts (version, title_zh, title_en, body_zh, body_en, sha256, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (version) DO NOTHING`,
		n.Version, n.Title.Zh, n.Title.En, n.Body.Zh, n.Body.En, n.hash(), now)
	if err != nil {
		return fmt.Errorf("seed NDA text: %w", err)
	}
	return nil
}

// CurrentNDA returns the NDA text in force: the highest stored version.
func (s *Service) CurrentNDA(ctx context.Context) (NDA, error) {
	return currentNDA(ctx, s.db)
}

func currentNDA(ctx context.Context, q store.Querier) (NDA, error) {
	var n NDA
	err := q.QueryRow(ctx, `SELECT version, title_zh, title_en, body_zh, body_en, sha256 FROM deal_nda_texts
		ORDER BY version DESC LIMIT 1`).Scan(&n.Version, &n.Title.Zh, &n.Title.En, &n.Body.Zh, &n.Body.En, &n.SHA256)
	if store.IsNoRows(err) {
		return NDA{}, apperr.E("deal.CurrentNDA", apperr.Unavailable, "no NDA text is installed; run the deal seed")
	}
	if err != nil {
		return NDA{}, fmt.Errorf("current NDA: %w", err)
	}
	return n, nil
}

// PublishNDA stores a new NDA text as the next version (administrators only).
// Rooms whose party accepted an older version keep that acceptance.
func (s *Service) PublishNDA(ctx context.Context, actor domain.Actor, title, body domain.Label) (NDA, error) {
	const op = "deal.PublishNDA"
	if !actor.IsAdmin() {
		return NDA{}, apperr.E(op, apperr.Forbidden, "only administrators publish NDA texts")
	}
	var f apperr.FieldList
	required(&f, "title.zh", title.Zh, 200)
	required(&f, "body.zh", body.Zh, 50000)
	textLimit(&f, "body.en", body.En, 50000)
	if err := f.Err(op); err != nil {
		return NDA{}, err
	}
	var n NDA
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		cur, err := currentNDA(ctx, tx)
		if err != nil {
			return err
		}
		n = NDA{Version: cur.Version + 1, Title: title, Body: body}
		n.SHA256 = n.hash()
		if _, err := tx.Exec(ctx, `INSERT INTO deal_nda_texts (version, title_zh, title_en, body_zh, body_en, sha256, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, n.Version, title.Zh, title.En, body.Zh, body.En, n.SHA256, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "deal.nda.publish", "nda", fmt.Sprint(n.Version), map[string]any{"sha256": n.SHA256})
	})
	if err != nil {
		return NDA{}, fmt.Errorf("%s: %w", op, err)
	}
	return n, nil
}
