package filing_test

import (
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestImportCSV(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		content := "subject_scope;performance_plan;confidentiality;risk_allocation;results_ownership;acceptance_criteria;price_payment;liability;dispute_resolution;terms"
		head := "name,declared_type,declared_sub_type,seller_name,seller_uscc,seller_entity_type,seller_region_code,buyer_name,buyer_uscc,buyer_entity_type,buyer_region_code,amount_yuan,non_technical_yuan,tech_field,ip_type,signing_date,valid_from,valid_until,subject,deliverables,payment_mode,attachments,content\n"
		row := func(name, amount string) string {
			return name + ",DEV,DEV_COMMISSIONED,北京未来科技大学," + uniUSCC + ",022," + region + ",深圳新材科技有限公司," + firmUSCC + ",150,440305," +
				amount + ",500000,NM,none,2025-06-10,2025-06-10,2030-06-09,研究开发高镍正极材料新工艺（" + name + "）,rd_results,LUMP_SUM_INSTALMENTS,contract_text," + content + "\n"
		}
		csvText := head + row("正极材料开发合同一", "3000000") + row("正极材料开发合同二", "3O00000") + ",DEV\n" + row("正极材料开发合同三", "2500000.50")
		rep, err := f.svc.ImportCSV(f.ctx, f.filer, f.registry.ID, "", strings.NewReader(csvText))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Created) != 2 || len(rep.Errors) != 2 {
			t.Fatalf("report %+v", rep)
		}
		if rep.Errors[0].Row != 3 || rep.Errors[0].Fields[0].Field != "amount_yuan" || rep.Errors[1].Row != 4 || rep.Errors[1].Fields[0].Field != "name" {
			t.Fatalf("row errors %+v", rep.Errors)
		}
		got, err := f.svc.Get(f.ctx, f.filer, rep.Created[1])
		if err != nil {
			t.Fatal(err)
		}
		if got.AmountFen != 250000050 || got.TechnologyAmountFen != 200000050 || got.Result.Outcome != registration.OutcomeRegistrable {
			t.Fatalf("imported %d / %d, outcome %s: %v", got.AmountFen, got.TechnologyAmountFen, got.Result.Outcome, registration.Codes(got.Result.Findings))
		}

		_, err = f.svc.ImportCSV(f.ctx, f.filer, f.registry.ID, "", strings.NewReader("name,colour\nx,red\n"))
		if codes := fieldCodes(err); len(codes) != 2 {
			t.Fatalf("bad header: %v", err)
		}
		_, err = f.svc.ImportCSV(f.ctx, f.outsider, f.registry.ID, f.uni.ID, strings.NewReader(head+row("x", "1")))
		wantKind(t, err, apperr.Forbidden)
	})
}
