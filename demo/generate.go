package demo

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// Offices used by generated rows: a spread of real codes.
var generatedOffices = []string{"001", "002", "003", "004", "005", "007", "008", "012", "014", "019", "038", "039", "040"}

var (
	surnames = []string{"Асанов", "Токтогулов", "Өмүрбеков", "Сүйүнбаев", "Жумабеков", "Ташиев", "Иманалиев", "Төлөнов", "Каңкаев", "Үсөнов"}
	names    = []string{"Айбек", "Нурлан", "Үсөн", "Эрмек", "Бакыт", "Талант", "Марат", "Өмүр", "Азамат", "Сыймык"}
	fathers  = []string{"Асанович", "Бакирович", "Маратович", "Үсөнович", "Төлөнович", "Сапарович", "Каңкаевич", "Өмүрович"}
)

// GenerateRegistry writes n valid registry rows (CSV with header) with distinct ИНН,
// deterministic for a seed: the data of the import and scale benchmarks.
func GenerateRegistry(w io.Writer, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintln(bw, "inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference")
	for i := 0; i < n; i++ {
		// ИНН: sex digit, a real date, and the row number as the serial (distinct per row
		// within a date; the date varies with i so 1,000,000 rows stay distinct).
		day := 1 + i%28
		month := 1 + (i/28)%12
		year := 1950 + (i/(28*12))%60
		serial := i / (28 * 12 * 60)
		sex := 1 + i%2
		name := fmt.Sprintf("%s %s %s", surnames[r.IntN(len(surnames))], names[r.IntN(len(names))], fathers[r.IntN(len(fathers))])
		status := "active"
		if r.IntN(50) == 0 {
			status = "liquidated"
		}
		_, err := fmt.Fprintf(bw, "%d%02d%02d%04d%05d,individual,%s,,,%s,\"г. Бишкек, ул. Токтогула %d\",%s,\n",
			sex, day, month, year, serial, name, generatedOffices[r.IntN(len(generatedOffices))], 1+r.IntN(300), status)
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

// GeneratedINN returns the ИНН of row i of GenerateRegistry.
func GeneratedINN(i int) string {
	return fmt.Sprintf("%d%02d%02d%04d%05d", 1+i%2, 1+i%28, 1+(i/28)%12, 1950+(i/(28*12))%60, i/(28*12*60))
}
