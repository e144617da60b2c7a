/** The words of the demo program: people's names by country, and what they write, by reading language. */

export type DemoLang = 'pt-BR' | 'en' | 'es' | 'fr' | 'ar' | 'sw';

export interface CountryInfo {
	code: string;
	timezone: string;
	/** Hours from UTC, near enough to place messages in people's evenings. */
	utcOffset: number;
	/** Reading languages people there use, with how often (the weights add up to 1). */
	langs: Array<[DemoLang, number]>;
	women: string[];
	men: string[];
	surnames: string[];
}

export const COUNTRIES: CountryInfo[] = [
	{
		code: 'BR', timezone: 'America/Sao_Paulo', utcOffset: -3, langs: [['pt-BR', 1]],
		women: ['Ana', 'Beatriz', 'Larissa', 'Camila', 'Juliana', 'Marina'], men: ['Lucas', 'Gabriel', 'Rafael', 'Thiago', 'Mateus'],
		surnames: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Ferreira', 'Almeida']
	},
	{
		code: 'KE', timezone: 'Africa/Nairobi', utcOffset: 3, langs: [['sw', 0.6], ['en', 0.4]],
		women: ['Wanjiru', 'Akinyi', 'Njeri', 'Amani', 'Zawadi'], men: ['Otieno', 'Kamau', 'Baraka', 'Juma', 'Kiprono'],
		surnames: ['Mwangi', 'Ochieng', 'Kariuki', 'Wambui', 'Kiptoo', 'Njoroge']
	},
	{
		code: 'ES', timezone: 'Europe/Madrid', utcOffset: 1, langs: [['es', 1]],
		women: ['Lucía', 'Carmen', 'Paula', 'Elena', 'Marta'], men: ['Pablo', 'Javier', 'Diego', 'Álvaro', 'Sergio'],
		surnames: ['García', 'Martínez', 'López', 'Sánchez', 'Romero', 'Navarro']
	},
	{
		code: 'FR', timezone: 'Europe/Paris', utcOffset: 1, langs: [['fr', 1]],
		women: ['Camille', 'Léa', 'Chloé', 'Manon', 'Inès'], men: ['Hugo', 'Louis', 'Théo', 'Nathan', 'Jules'],
		surnames: ['Martin', 'Bernard', 'Dubois', 'Moreau', 'Laurent', 'Lefèvre']
	},
	{
		code: 'MA', timezone: 'Africa/Casablanca', utcOffset: 1, langs: [['ar', 0.6], ['fr', 0.4]],
		women: ['Salma', 'Imane', 'Khadija', 'Yasmine', 'Houda'], men: ['Youssef', 'Amine', 'Mehdi', 'Hamza', 'Omar'],
		surnames: ['El Amrani', 'Benali', 'Alaoui', 'Bennani', 'Tazi', 'Chraibi']
	},
	{
		code: 'IN', timezone: 'Asia/Kolkata', utcOffset: 5.5, langs: [['en', 1]],
		women: ['Priya', 'Ananya', 'Kavya', 'Meera', 'Isha'], men: ['Arjun', 'Rohan', 'Vikram', 'Aditya', 'Karan'],
		surnames: ['Sharma', 'Iyer', 'Patel', 'Reddy', 'Nair', 'Gupta']
	},
	{
		code: 'MX', timezone: 'America/Mexico_City', utcOffset: -6, langs: [['es', 1]],
		women: ['Valeria', 'Ximena', 'Fernanda', 'Daniela', 'Guadalupe'], men: ['Santiago', 'Emiliano', 'Leonardo', 'Iker', 'Mateo'],
		surnames: ['Hernández', 'Ramírez', 'Flores', 'Morales', 'Castillo', 'Vargas']
	},
	{
		code: 'EG', timezone: 'Africa/Cairo', utcOffset: 2, langs: [['ar', 1]],
		women: ['Nour', 'Mariam', 'Habiba', 'Farida', 'Salma'], men: ['Ahmed', 'Mostafa', 'Karim', 'Ziad', 'Youssef'],
		surnames: ['Hassan', 'Mahmoud', 'Fathy', 'Saeed', 'Abdelrahman', 'Nasser']
	},
	{
		code: 'CA', timezone: 'America/Toronto', utcOffset: -5, langs: [['en', 0.6], ['fr', 0.4]],
		women: ['Olivia', 'Émilie', 'Charlotte', 'Maya', 'Sophie'], men: ['Liam', 'Noah', 'Félix', 'Ethan', 'William'],
		surnames: ['Tremblay', 'Roy', 'Gagnon', 'Campbell', 'Wilson', 'Côté']
	}
];

export const PASSIONS = [
	'illustration', 'poetry', 'photography', 'comics', 'music', 'street art', 'film', 'dance', 'ceramics', 'animation',
	'creative writing', 'graphic design', 'textiles', 'theatre', 'podcasts'
];

/** Short chat lines, as people in a mentorship or a collective write them. */
export const PHRASES: Record<DemoLang, string[]> = {
	'pt-BR': [
		'Oi! Tudo bem por aí?', 'Terminei o rascunho, pode dar uma olhada?', 'Adorei as cores que você escolheu.', 'Hoje choveu o dia todo aqui em casa.',
		'Podemos conversar na quinta à noite?', 'Estou com um pouco de bloqueio criativo esta semana.', 'Que legal! Nunca tinha pensado nisso.',
		'Mandei uma nova versão no documento.', 'Na minha escola todo mundo fala disso.', 'Obrigada pela dica, funcionou muito bem!',
		'Como é o café da manhã aí?', 'Semana de provas, vou sumir um pouquinho.', 'Fiz um desenho novo inspirado na sua cidade.',
		'Acho que o final da história precisa de mais tensão.', 'Você pode me explicar de novo a parte da luz?', 'Boa noite, até amanhã!',
		'Gostei muito da nossa conversa de hoje.', 'Vou tentar aquela técnica de aquarela.'
	],
	en: [
		'Hi! How was your week?', 'I finished the draft, can you take a look?', 'I love the colours you picked.', 'It rained all day here.',
		'Can we talk on Thursday evening?', 'I feel a bit stuck creatively this week.', 'That is so cool, I never thought of it that way.',
		'I added a new version to the document.', 'Everyone at my school is talking about this.', 'Thanks for the tip, it worked really well!',
		'What do people usually eat for breakfast where you live?', 'Exam week, I will be a bit quiet.', 'I made a new drawing inspired by your city.',
		'I think the ending needs a little more tension.', 'Could you explain the part about light again?', 'Good night, talk tomorrow!',
		'I really enjoyed our chat today.', 'I am going to try that watercolour technique.'
	],
	es: [
		'¡Hola! ¿Qué tal tu semana?', 'Terminé el borrador, ¿puedes echarle un vistazo?', 'Me encantan los colores que elegiste.', 'Aquí ha llovido todo el día.',
		'¿Podemos hablar el jueves por la tarde?', 'Esta semana me siento un poco bloqueada.', '¡Qué bueno! Nunca lo había pensado así.',
		'Subí una nueva versión al documento.', 'En mi escuela todos hablan de eso.', 'Gracias por el consejo, ¡funcionó muy bien!',
		'¿Qué se desayuna normalmente en tu país?', 'Semana de exámenes, estaré un poco desaparecido.', 'Hice un dibujo nuevo inspirado en tu ciudad.',
		'Creo que el final necesita un poco más de tensión.', '¿Me explicas otra vez lo de la luz?', '¡Buenas noches, hablamos mañana!',
		'Me gustó mucho nuestra charla de hoy.', 'Voy a probar esa técnica de acuarela.'
	],
	fr: [
		'Salut ! Comment s’est passée ta semaine ?', 'J’ai fini le brouillon, tu peux y jeter un œil ?', 'J’adore les couleurs que tu as choisies.',
		'Il a plu toute la journée ici.', 'On peut se parler jeudi soir ?', 'Je suis un peu en panne d’inspiration cette semaine.',
		'Trop bien, je n’y avais jamais pensé.', 'J’ai mis une nouvelle version dans le document.', 'Tout le monde en parle dans mon lycée.',
		'Merci pour le conseil, ça a super bien marché !', 'Qu’est-ce qu’on mange au petit-déjeuner chez toi ?', 'Semaine d’examens, je serai un peu absent.',
		'J’ai fait un nouveau dessin inspiré de ta ville.', 'Je pense que la fin manque un peu de tension.', 'Tu peux me réexpliquer le passage sur la lumière ?',
		'Bonne nuit, à demain !', 'J’ai vraiment aimé notre discussion aujourd’hui.', 'Je vais essayer cette technique d’aquarelle.'
	],
	ar: [
		'مرحبا! كيف كان أسبوعك؟', 'أنهيت المسودة، هل يمكنك أن تلقي نظرة؟', 'أحب الألوان التي اخترتها.', 'أمطرت طوال اليوم هنا.',
		'هل يمكننا التحدث مساء الخميس؟', 'أشعر ببعض الجمود في الإبداع هذا الأسبوع.', 'رائع، لم أفكر في ذلك من قبل.',
		'أضفت نسخة جديدة إلى المستند.', 'الجميع في مدرستي يتحدث عن هذا.', 'شكرا على النصيحة، لقد نجحت!',
		'ماذا تأكلون عادة على الفطور في بلدك؟', 'أسبوع الامتحانات، سأكون أقل حضورا.', 'رسمت رسمة جديدة مستوحاة من مدينتك.',
		'أظن أن النهاية تحتاج إلى قليل من التشويق.', 'هل يمكنك أن تشرح لي مرة أخرى موضوع الضوء؟', 'تصبح على خير، نتحدث غدا!',
		'استمتعت كثيرا بحديثنا اليوم.', 'سأجرب تقنية الألوان المائية تلك.'
	],
	sw: [
		'Habari! Wiki yako ilikuwaje?', 'Nimemaliza rasimu, unaweza kuiangalia?', 'Napenda rangi ulizochagua.', 'Mvua imenyesha siku nzima hapa.',
		'Tunaweza kuongea Alhamisi jioni?', 'Wiki hii nimekwama kidogo kwenye ubunifu.', 'Safi sana, sikuwahi kufikiria hivyo.',
		'Nimeweka toleo jipya kwenye hati.', 'Kila mtu shuleni kwetu anazungumzia hili.', 'Asante kwa ushauri, umesaidia sana!',
		'Watu hula nini kwa kiamsha kinywa kwenu?', 'Ni wiki ya mitihani, nitakuwa kimya kidogo.', 'Nimechora picha mpya iliyohamasishwa na mji wako.',
		'Nadhani mwisho wa hadithi unahitaji msisimko zaidi.', 'Unaweza kunieleza tena kuhusu mwanga?', 'Usiku mwema, tuongee kesho!',
		'Nimefurahia sana mazungumzo yetu leo.', 'Nitajaribu mbinu ile ya rangi za maji.'
	]
};

/** A mentorship's last words, when it completes. */
export const FAREWELLS: Record<DemoLang, string> = {
	'pt-BR': 'Muito obrigada por tudo, vou sentir falta das nossas conversas!',
	en: 'Thank you so much for everything, I will miss our chats!',
	es: '¡Muchas gracias por todo, voy a echar de menos nuestras charlas!',
	fr: 'Merci beaucoup pour tout, nos discussions vont me manquer !',
	ar: 'شكرا جزيلا على كل شيء، سأفتقد أحاديثنا!',
	sw: 'Asante sana kwa kila kitu, nitakumbuka mazungumzo yetu!'
};

/** Paragraphs for shared texts: a story, a poem, notes. */
export const PARAGRAPHS: Record<DemoLang, string[]> = {
	'pt-BR': [
		'A cidade acordava devagar, com o cheiro de pão quente saindo da padaria da esquina.',
		'Minha avó dizia que o mar guarda as histórias de quem foi embora.',
		'No mural, cada cor representa um bairro diferente e uma lembrança de infância.',
		'Ideias para a próxima cena: a chuva, a estação de trem, um encontro inesperado.'
	],
	en: [
		'The market opens before sunrise, and the first sound is always the radio of the fruit seller.',
		'Our comic follows two friends who trade one photograph every week across the ocean.',
		'Notes for next session: practise perspective, bring three sketches, choose a title.',
		'Light falls differently here in the evening, orange and long on the walls.'
	],
	es: [
		'En mi barrio las tardes huelen a tortillas recién hechas y a tierra mojada.',
		'El poema empieza con una ventana abierta y termina con una carta sin enviar.',
		'Ideas para el fanzine: mapas dibujados a mano, recetas de las abuelas, canciones.',
		'La protagonista decide pintar la pared de la escuela sin pedir permiso.'
	],
	fr: [
		'Le matin, le quartier sent le café et les croissants, et le tram passe toutes les cinq minutes.',
		'Notre histoire commence dans une gare, un jour de grève, sous une pluie fine.',
		'Pistes pour la prochaine séance : travailler les ombres, choisir une palette, écrire la fin.',
		'Chaque page du carnet raconte une rue que nous aimons dans nos deux villes.'
	],
	ar: [
		'في الصباح تمتلئ الأزقة برائحة الخبز والنعناع وأصوات الباعة.',
		'تبدأ قصتنا على سطح بيت قديم يطل على المدينة كلها.',
		'أفكار للجلسة القادمة: رسم الوجوه، اختيار الألوان، كتابة الحوار.',
		'كانت جدتي تحكي لنا عن النهر كل ليلة قبل النوم.'
	],
	sw: [
		'Asubuhi mtaa wetu unajaa sauti za matatu na harufu ya mandazi.',
		'Hadithi yetu inaanza sokoni, siku ya mvua kubwa.',
		'Mawazo kwa kikao kijacho: kuchora vivuli, kuchagua rangi, kuandika mwisho.',
		'Bibi yangu alisimulia hadithi za ziwa kila jioni.'
	]
};

/** Sticky notes on canvases. */
export const STICKIES: Record<DemoLang, string[]> = {
	'pt-BR': ['Ideia: mural do bairro', 'Cores quentes', 'Personagem principal', 'Final feliz?'],
	en: ['Idea: neighbourhood mural', 'Warm colours', 'Main character', 'Happy ending?'],
	es: ['Idea: mural del barrio', 'Colores cálidos', 'Personaje principal', '¿Final feliz?'],
	fr: ['Idée : fresque du quartier', 'Couleurs chaudes', 'Personnage principal', 'Fin heureuse ?'],
	ar: ['فكرة: جدارية الحي', 'ألوان دافئة', 'الشخصية الرئيسية', 'نهاية سعيدة؟'],
	sw: ['Wazo: mchoro wa mtaa', 'Rangi za joto', 'Mhusika mkuu', 'Mwisho mzuri?']
};

export const WORK_TITLES = {
	text: ['Our shared story', 'Poems across the sea', 'Session notes', 'Zine draft', 'Letters between cities', 'Recipe stories'],
	canvas: ['Mood board', 'Mural sketch', 'Storyboard', 'Character designs', 'Map of our two cities']
};

export const COLLECTIVES = ['Mural of Two Oceans', 'Zine: Cities at Night', 'Recipes in Comics', 'Sounds of Home'];

/** Free-text survey answers, by the language the person answers in. */
export const LEARNED: Record<DemoLang, string[]> = {
	'pt-BR': ['Aprendi como é um dia de escola no país dela.', 'Que dá para criar junto mesmo sem falar a mesma língua.', 'Muitas palavras novas e uma receita!'],
	en: ['How different school days are in my partner’s country.', 'That we can make things together even without one language.', 'New words, and a recipe!'],
	es: ['Cómo es un día de escuela en su país.', 'Que se puede crear juntos aunque no hablemos el mismo idioma.', '¡Palabras nuevas y una receta!'],
	fr: ['Comment se passe une journée d’école dans son pays.', 'Qu’on peut créer ensemble sans parler la même langue.', 'Des mots nouveaux, et une recette !'],
	ar: ['كيف يبدو يوم الدراسة في بلد شريكي.', 'أنه يمكننا أن نبدع معا حتى بدون لغة واحدة.', 'كلمات جديدة ووصفة طعام!'],
	sw: ['Jinsi siku ya shule ilivyo katika nchi ya mwenzangu.', 'Kwamba tunaweza kuunda pamoja hata bila lugha moja.', 'Maneno mapya, na mapishi!']
};
