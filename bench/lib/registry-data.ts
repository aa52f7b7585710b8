import { prng } from './cohort-data.ts';

// A generated organisation registry for the import and search benchmarks: countries, their
// regions and `schools` schools, each named in English and Russian, as the CSV the registry
// import reads (kind, code, name_en, name_ru, parent_code). Deterministic for a given seed.

const COUNTRIES: [string, string, string][] = [
  ['RU', 'Russia', 'Россия'],
  ['KZ', 'Kazakhstan', 'Казахстан'],
  ['KG', 'Kyrgyzstan', 'Киргизия'],
  ['UZ', 'Uzbekistan', 'Узбекистан'],
  ['TJ', 'Tajikistan', 'Таджикистан'],
  ['AM', 'Armenia', 'Армения'],
  ['BY', 'Belarus', 'Беларусь'],
  ['MN', 'Mongolia', 'Монголия'],
];

// Town names in both scripts: schools are "<kind> No. <n>, <town>", so names repeat across towns
// ("School No. 1") the way real registries do, and codes tell them apart.
const TOWNS: [string, string][] = [
  ['Tiksi', 'Тикси'],
  ['Yakutsk', 'Якутск'],
  ['Mirny', 'Мирный'],
  ['Aldan', 'Алдан'],
  ['Neryungri', 'Нерюнгри'],
  ['Vilyuysk', 'Вилюйск'],
  ['Olyokminsk', 'Олёкминск'],
  ['Lensk', 'Ленск'],
  ['Pokrovsk', 'Покровск'],
  ['Batagay', 'Батагай'],
  ['Zhigansk', 'Жиганск'],
  ['Chersky', 'Черский'],
  ['Khandyga', 'Хандыга'],
  ['Suntar', 'Сунтар'],
  ['Nyurba', 'Нюрба'],
  ['Udachny', 'Удачный'],
  ['Almaty', 'Алматы'],
  ['Osh', 'Ош'],
  ['Bukhara', 'Бухара'],
  ['Khujand', 'Худжанд'],
  ['Gyumri', 'Гюмри'],
  ['Grodno', 'Гродно'],
  ['Darkhan', 'Дархан'],
  ['Karakol', 'Каракол'],
];
const SCHOOL_KINDS: [string, string][] = [
  ['Secondary School', 'Средняя общеобразовательная школа'],
  ['Lyceum', 'Лицей'],
  ['Gymnasium', 'Гимназия'],
  ['Basic School', 'Основная общеобразовательная школа'],
  ['Boarding School', 'Школа-интернат'],
];

export interface RegistryShape {
  schools: number;
  /** Schools per region (the last region of a country may hold fewer). */
  schoolsPerRegion?: number;
  seed?: number;
}

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** The CSV text of a registry of `schools` schools across regions and countries (schools ÷ 250 regions by default). */
export function registryCsv({ schools, schoolsPerRegion = 250, seed = 17 }: RegistryShape): string {
  const random = prng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const regions = Math.max(1, Math.ceil(schools / schoolsPerRegion));
  const lines = ['kind,code,name_en,name_ru,parent_code'];
  const countries = COUNTRIES.slice(0, Math.min(COUNTRIES.length, regions));
  for (const [code, en, ru] of countries) lines.push([`country`, code, en, ru, ''].map(quote).join(','));
  for (let r = 0; r < regions; r++) {
    const [country] = countries[r % countries.length]!;
    const [town, townRu] = TOWNS[r % TOWNS.length]!;
    const n = Math.floor(r / TOWNS.length) + 1;
    lines.push(['region', `${country}-${String(r).padStart(3, '0')}`, `${town} District ${n}`, `${townRu}ский район ${n}`, country].map(quote).join(','));
  }
  for (let s = 0; s < schools; s++) {
    const r = s % regions;
    const [country] = countries[r % countries.length]!;
    const [town, townRu] = pick(TOWNS);
    const [kind, kindRu] = pick(SCHOOL_KINDS);
    const number = 1 + Math.floor(s / regions);
    lines.push(
      [
        'school',
        `${country}${String(s).padStart(8, '0')}`,
        `${kind} No. ${number}, ${town}`,
        `${kindRu} № ${number} г. ${townRu}`,
        `${country}-${String(r).padStart(3, '0')}`,
      ]
        .map(quote)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
