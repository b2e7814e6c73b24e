import { parser } from '@prometheus-io/lezer-promql';
const e = process.argv[2];
const t = parser.parse(e);
let d=0; t.iterate({enter:(r)=>{console.log(' '.repeat(d*2)+r.name+' '+JSON.stringify(e.slice(r.from,r.to)));d++;},leave:()=>{d--;}});
