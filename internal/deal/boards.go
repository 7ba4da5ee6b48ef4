package deal

import (
	"context"
	"fmt"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// boardLimit bounds the public boards; a market has far fewer running sales
// and challenges, and a longer history is for reports, not a board.
const boardLimit = 200

// SaleBoard lists sales (fixed-price listings and auctions) in a state ("" for
// all), the soonest close first, each as actor may see it through GetSale, so
// the board redacts exactly what the single view redacts (reserve, sealed
// amounts, leader).
func (s *Service) SaleBoard(ctx context.Context, actor domain.Actor, state string) ([]SaleView, error) {
	ids, err := idList(ctx, s.db, `SELECT id FROM deal_sales WHERE (? = '' OR state = ?) ORDER BY ends_at, id LIMIT `+fmt.Sprint(boardLimit),
		state, state)
	if err != nil {
		return nil, err
	}
	out := make([]SaleView, 0, len(ids))
	for _, id := range ids {
		v, err := s.GetSale(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ChallengeBoard lists challenges (揭榜挂帅榜单) in a state ("" for all), the
// nearest deadline first. Challenges are public; proposals are not listed here
// (GetChallenge shows each viewer the proposals it may see).
func (s *Service) ChallengeBoard(ctx context.Context, state string) ([]Challenge, error) {
	ids, err := idList(ctx, s.db, `SELECT id FROM deal_challenges WHERE (? = '' OR state = ?) ORDER BY deadline, id LIMIT `+fmt.Sprint(boardLimit),
		state, state)
	if err != nil {
		return nil, err
	}
	out := make([]Challenge, 0, len(ids))
	for _, id := range ids {
		c, err := getChallenge(ctx, s.db, id, false)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
