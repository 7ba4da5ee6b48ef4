package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// The client side of deals (docs/deals.md): deal rooms, offers and contracts
// through the REST API. Auctions and challenges are in client_deals_market.go.

func init() {
	addCommand(func(root *cobra.Command) {
		deals := &cobra.Command{Use: "deals", Short: "Deal rooms on a server: interest, NDA, offers, contract, signatures"}
		deals.AddCommand(newDealsListCmd(), newDealsShowCmd(), newDealsInterestCmd(), newDealsNDACmd(), newDealsMessageCmd(),
			newDealsOfferCmd(), newDealsRespondCmd(true), newDealsRespondCmd(false), newDealsContractCmd(), newDealsSignCmd(),
			newDealsNoticesCmd(), newDealsObjectCmd())
		root.AddCommand(deals, newAuctionsCmd(), newChallengesCmd(), newMandatesCmd())
	})
}

// yuanFlag parses a --…-yuan flag into fen.
func yuanFlag(name, value string) (int64, error) {
	fen, err := domain.ParseYuan(value)
	if err != nil {
		return 0, fmt.Errorf("--%s: %w", name, err)
	}
	return int64(fen), nil
}

func yuan(fen int64) string { return domain.Fen(fen).Yuan() }

func newDealsListCmd() *cobra.Command {
	var opts clientOptions
	var state string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your organisations' deals and the deals you broker",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			page, err := c.MyDeals(cmd.Context(), state, 1, 100)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), page)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tMETHOD\tVENUE\tPRICE (YUAN)\tSELLER\tBUYER\tLISTING")
			for _, d := range page.Items {
				price := "-"
				if d.AgreedTerms != nil {
					price = yuan(d.AgreedTerms.PriceFen)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s v%d\t%s\t%s\t%s\t%s\n", d.ID, d.State, d.Method, d.Venue, d.RuleVersion, price,
					d.SellerName, d.BuyerName, d.ListingTitle.In(opts.language()))
			}
			tw.Flush()
			fmt.Fprintf(cmd.ErrOrStderr(), "%d deal(s)\n", page.Total)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&state, "state", "", "only deals in this state (interest, room_open, negotiating, agreed, notice, contracting, concluded, withdrawn, lost)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newDealsShowCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show DEAL_ID",
		Short: "Show a deal room: state, offers, messages, contract and signatures",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			room, err := c.GetDeal(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), room)
			}
			printRoom(cmd.OutOrStdout(), room, opts.language())
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the room as JSON")
	return cmd
}

func printRoom(w io.Writer, r *client.Room, lang string) {
	d := r.Deal
	fmt.Fprintf(w, "deal      %s\nlisting   %s (%s)\nstate     %s\nmethod    %s, venue %s v%d\n", d.ID, d.ListingTitle.In(lang), d.ListingID,
		d.State, d.Method, d.Venue, d.RuleVersion)
	fmt.Fprintf(w, "seller    %s\nbuyer     %s\nyou act   %s", d.SellerName, d.BuyerName, r.ViewerSide)
	if r.ViaBroker {
		fmt.Fprint(w, " (as broker)")
	}
	fmt.Fprintln(w)
	if d.NDA != nil {
		fmt.Fprintf(w, "NDA       v%d accepted %s\n", d.NDA.Version, d.NDA.AcceptedAt.Format("2006-01-02 15:04"))
	} else if r.Listing.DetailWithheld {
		fmt.Fprintln(w, "NDA       not accepted: the confidential detail is withheld (techmarket deals nda "+d.ID+")")
	}
	if d.AgreedTerms != nil {
		fmt.Fprintf(w, "agreed    %s yuan\n", yuan(d.AgreedTerms.PriceFen))
	}
	if d.NoticeEndsAt != nil && d.NoticeClearedAt == nil {
		fmt.Fprintf(w, "notice    until %s UTC\n", d.NoticeEndsAt.Format("2006-01-02 15:04"))
	}
	for _, o := range r.Offers {
		fmt.Fprintf(w, "offer #%d  %s  %s yuan  %s  from %s  expires %s\n", o.Seq, o.ID, yuan(o.Terms.PriceFen), o.Status, o.FromSide,
			o.ExpiresAt.Format("2006-01-02"))
	}
	for _, m := range r.Messages {
		fmt.Fprintf(w, "message   %s  %s\n", m.CreatedAt.Format("2006-01-02 15:04"), m.Body)
	}
	if r.Contract != nil {
		fmt.Fprintf(w, "contract  v%d sha256 %s, %d signature(s)\n", r.Contract.Version, r.Contract.HTMLSHA256, len(r.Contract.Signatures))
	}
	if r.Fees != nil {
		fmt.Fprintf(w, "fees      buyer %s, seller %s yuan\n", yuan(r.Fees.BuyerFen), yuan(r.Fees.SellerFen))
	}
}

func printDeal(w io.Writer, d *client.Deal) {
	fmt.Fprintf(w, "%s %s\n", d.ID, d.State)
}

func newDealsInterestCmd() *cobra.Command {
	var opts clientOptions
	var org, venue, message string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "interest LISTING_ID",
		Short:   "Express interest in a listing: opens (or returns) your deal room and prints its id",
		Example: "  techmarket deals interest 0193… --message 我们希望获得许可",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			d, err := c.ExpressInterest(cmd.Context(), client.InterestInput{ListingID: args[0], OrgID: org, Venue: venue, Message: message})
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), d)
			}
			printDeal(cmd.OutOrStdout(), d)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&org, "org", "", "your organisation id (default: your first with the buyer role, or seller role for a need)")
	cmd.Flags().StringVar(&venue, "venue", "", "venue code (default: the platform's)")
	cmd.Flags().StringVar(&message, "message", "", "a first message to the other side")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the deal as JSON")
	return cmd
}

func newDealsNDACmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "nda DEAL_ID",
		Short: "Print the NDA in force and accept it for your organisation (unlocks the confidential detail)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			nda, err := c.CurrentNDA(cmd.Context())
			if err != nil {
				return apiFailure(err, opts.language())
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%s (v%d, sha256 %s)\n", nda.Title.In(opts.language()), nda.Version, nda.SHA256)
			d, err := c.AcceptNDA(cmd.Context(), args[0], nda.Version)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), d)
			}
			printDeal(cmd.OutOrStdout(), d)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the deal as JSON")
	return cmd
}

func newDealsMessageCmd() *cobra.Command {
	var opts clientOptions
	cmd := &cobra.Command{
		Use:   "message DEAL_ID TEXT",
		Short: "Post a message in a deal room",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			m, err := c.PostDealMessage(cmd.Context(), args[0], args[1])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			fmt.Fprintln(cmd.OutOrStdout(), m.ID)
			return nil
		},
	}
	opts.bind(cmd)
	return cmd
}

func newDealsOfferCmd() *cobra.Command {
	var opts clientOptions
	var priceYuan string
	var terms client.OfferTerms
	var validDays int
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "offer DEAL_ID --price-yuan N",
		Short:   "Make an offer or counter-offer; prints the offer id",
		Example: "  techmarket deals offer 0193… --price-yuan 1100000 --type LIC --sub-type LIC_PATENT --payment LUMP_SUM_INSTALMENTS",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if priceYuan == "" {
				return errors.New("--price-yuan is required")
			}
			price, err := yuanFlag("price-yuan", priceYuan)
			if err != nil {
				return err
			}
			terms.PriceFen = price
			c, err := opts.client()
			if err != nil {
				return err
			}
			o, err := c.MakeOffer(cmd.Context(), args[0], terms, validDays)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), o)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s #%d %s yuan open until %s\n", o.ID, o.Seq, yuan(o.Terms.PriceFen), o.ExpiresAt.Format("2006-01-02 15:04"))
			return nil
		},
	}
	opts.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&priceYuan, "price-yuan", "", "price in yuan (required)")
	f.StringVar(&terms.ContractType, "type", "", "contract type (TRF, LIC, DEV, …)")
	f.StringVar(&terms.SubType, "sub-type", "", "contract sub-type")
	f.StringVar(&terms.PaymentMode, "payment", "", "payment mode (LUMP_SUM_ONE_PAYMENT, LUMP_SUM_INSTALMENTS, ROYALTY, …)")
	f.StringVar(&terms.Exclusivity, "exclusivity", "", "licence exclusivity: exclusive, sole or ordinary")
	f.StringVar(&terms.Territory, "territory", "", "licence territory")
	f.IntVar(&terms.TermMonths, "term-months", 0, "licence term in months")
	f.Int64Var(&terms.RoyaltyBP, "royalty-bp", 0, "royalty in basis points")
	f.IntVar(&terms.FreeUseMonths, "free-use-months", 0, "use first, pay later: free months (licences)")
	f.StringVar(&terms.Note, "note", "", "a note with the offer")
	f.IntVar(&validDays, "valid-days", 0, "days the offer stands (default: the venue's)")
	f.BoolVar(&asJSON, "json", false, "print the offer as JSON")
	return cmd
}

func newDealsRespondCmd(accept bool) *cobra.Command {
	var opts clientOptions
	var asJSON bool
	use, short := "reject", "Reject the other side's open offer"
	if accept {
		use, short = "accept", "Accept the other side's open offer: the deal is agreed (and noticed where required)"
	}
	cmd := &cobra.Command{
		Use:   use + " DEAL_ID OFFER_ID",
		Short: short,
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			respond := c.RejectOffer
			if accept {
				respond = c.AcceptOffer
			}
			d, err := respond(cmd.Context(), args[0], args[1])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), d)
			}
			printDeal(cmd.OutOrStdout(), d)
			if d.NoticeEndsAt != nil && d.State == "notice" {
				fmt.Fprintf(cmd.ErrOrStderr(), "the agreed price is under public notice until %s UTC\n", d.NoticeEndsAt.Format("2006-01-02 15:04"))
			}
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the deal as JSON")
	return cmd
}

func newDealsContractCmd() *cobra.Command {
	var opts clientOptions
	var file, out string
	var pdf, asJSON bool
	var version int
	cmd := &cobra.Command{
		Use:   "contract DEAL_ID",
		Short: "Draft the contract from a terms JSON file (--file), or save the document (--out, --pdf)",
		Long: `With --file, sends the typed contract terms (schema DealTerms in /api/v1/openapi.json) and
prints the new version and its document hash. Without it, writes the stored document
(HTML, or PDF with --pdf) to --out or standard output.`,
		Example: `  techmarket deals contract 0193… --file terms.json
  techmarket deals contract 0193… --pdf --out contract.pdf`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			if file != "" {
				body, err := readContractFile(cmd, file)
				if err != nil {
					return err
				}
				if !json.Valid(body) {
					return fmt.Errorf("%s is not valid JSON", file)
				}
				cv, err := c.DraftContract(cmd.Context(), args[0], body)
				if err != nil {
					return apiFailure(err, opts.language())
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), cv)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "contract v%d sha256 %s\n", cv.Version, cv.HTMLSHA256)
				return nil
			}
			var doc []byte
			if pdf {
				doc, err = c.ContractPDF(cmd.Context(), args[0], version)
			} else {
				doc, _, err = c.ContractHTML(cmd.Context(), args[0], version)
			}
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(doc)
				return err
			}
			return os.WriteFile(out, doc, 0o600)
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&file, "file", "", "contract terms JSON to draft from (- for stdin)")
	cmd.Flags().StringVar(&out, "out", "", "write the document to this file")
	cmd.Flags().BoolVar(&pdf, "pdf", false, "the PDF rendering instead of the HTML document")
	cmd.Flags().IntVar(&version, "version", 0, "contract version (default: the current draft)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the drafted version as JSON")
	return cmd
}

func newDealsSignCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sign DEAL_ID",
		Short: "Sign the current contract draft for your side",
		Long: `Downloads the current contract document, computes its SHA-256 here and signs that hash,
so the signature commits to the bytes you received; the server refuses it if they differ
from the stored document.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			room, err := c.GetDeal(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if room.Contract == nil {
				return errors.New("this deal has no contract draft yet")
			}
			doc, _, err := c.ContractHTML(cmd.Context(), args[0], room.Contract.Version)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			sum := sha256.Sum256(doc)
			d, err := c.SignContract(cmd.Context(), args[0], room.Contract.Version, hex.EncodeToString(sum[:]))
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), d)
			}
			printDeal(cmd.OutOrStdout(), d)
			fmt.Fprintf(cmd.ErrOrStderr(), "signed contract v%d sha256 %x\n", room.Contract.Version, sum)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the deal as JSON")
	return cmd
}
